import type { AlgorithmSpec } from '../../agent/agent.js';
import { algorithmOf } from '../../agent/registry.js';
import type { StateParts } from '../../agent/state.js';
import { CheckpointCorruptError, UsageError } from '../../errors/index.js';
import { scanRunLog } from '../../logging/run-log.js';
import { readTrainingCheckpoint } from '../../store/training-store.js';
import type { RunContext } from '../context/index.js';
import { TrainingSession } from './training-session.js';
import { PRODUCTION_ITERATION } from '../../windows/build-windows.js';

export interface ResumePoint {
  file: string;
  state: StateParts;
}

/**
 * Where seed `seed` of iteration n continues from: the training checkpoint named by --resume when it belongs to n
 * (seed 0 only: explicitResumePoint refuses the others), else the newest one of the seed that verifies and was
 * written under this configuration; null to start afresh.
 */
export async function findResumePoint(ctx: RunContext, n: number, seed = 0): Promise<ResumePoint | null> {
  if (seed === 0 && ctx.resumeFrom?.iteration === n) return { file: ctx.resumeFrom.file, state: ctx.resumeFrom.state };
  const latest = await ctx.store.checkpoints(n, seed).latest(
    ({ metadata, state }) => {
      if (metadata.configHash !== ctx.configHash) return 'was written under another configuration and is not resumed from';
      // The production window ends at the last bar: data that grew since moved it, so its training starts over.
      if (n === PRODUCTION_ITERATION && metadata.dataSha256 !== ctx.metadata.dataSha256)
        return 'trained the production model on an earlier version of the data and is not resumed from';
      const problem = TrainingSession.check(state, algorithmOf(ctx.config.agent));
      return problem && `is not usable (${problem}); trying an older checkpoint`;
    },
    (path, why) => ctx.logger.warn({ event: 'checkpoint-skipped', file: ctx.store.paths.at(path) }, `${ctx.store.paths.at(path)} ${why}`),
  );
  return latest && { file: ctx.store.paths.at(latest.path), state: latest.state };
}

/** A training checkpoint named by path (--resume): read, verified and checked to restore, or CheckpointCorruptError. */
export async function explicitResumePoint(
  file: string,
  algorithm: Pick<AlgorithmSpec, 'checkState'>,
): Promise<{ file: string; iteration: number; state: StateParts; configHash: string }> {
  const { metadata, state } = await readTrainingCheckpoint(file);
  if (metadata.seed)
    throw new UsageError(
      `${file} is a checkpoint of training seed ${metadata.seed}; --resume takes seed 0's, and the other seeds resume by running the same command again`,
    );
  const problem = TrainingSession.check(state, algorithm);
  if (problem) throw new CheckpointCorruptError(file, `cannot be resumed from: ${problem}`);
  return { file, iteration: metadata.iteration, state, configHash: metadata.configHash };
}

/**
 * Steps of iteration n (of its seed `seed`) that an earlier attempt reached, by its run.log lines, beyond the
 * checkpoint resumed from at `step`: the work a crash cost. With several seeds only lines that name the seed count
 * (progress and evaluation lines do); null when the log says nothing of it.
 */
export async function stepsLostAt(ctx: RunContext, n: number, step: number, seed = 0): Promise<number | null> {
  const several = ctx.config.training.seeds > 1;
  let reached: number | null = null;
  await scanRunLog(ctx.store.paths.runLog, (line) => {
    if (line.iteration !== n || typeof line.step !== 'number' || (several && line.seed !== seed)) return;
    reached = Math.max(reached ?? 0, line.step);
  });
  return reached === null ? null : Math.max(0, reached - step);
}
