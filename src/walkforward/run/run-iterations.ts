import { algorithmOf } from '../../agent/registry.js';
import { InterruptedError } from '../../errors/index.js';
import { layout, type ExperimentPaths } from '../../store/layout.js';
import { iterationChartJobs, missingCharts } from '../../report/chart-jobs.js';
import { deleteFolder } from '../../retention/delete.js';
import { warnKept } from '../context/index.js';
import type { IterationRecord } from '../../records/index.js';
import { updateBestModel } from './best-model.js';
import type { RunContext } from '../context/index.js';
import type { IterationExecutor } from '../executors/index.js';
import type { ProgressState } from '../context/index.js';
import { preservedWeights, runOneIteration, type IterationOutcome } from '../selection/index.js';

export interface IterationsOptions {
  /** Called after an iteration's records are on disk and before its temporary folder is removed. */
  beforeIterationCleanup?: (iteration: number, paths: ExperimentPaths) => Promise<void> | void;
}

export interface IterationsResult {
  records: IterationRecord[];
  timings: Map<number, { training: number; evaluation: number; preservation: number }>;
}

/**
 * Runs every iteration not finished yet on the executor. After each: the best model is updated, the hook runs,
 * and only then is the iteration's temporary folder removed. Plots a stopped run did not draw are queued again.
 */
export async function runIterations(
  ctx: RunContext,
  finished: Map<number, IterationRecord>,
  executor: IterationExecutor,
  options: IterationsOptions,
): Promise<IterationsResult> {
  const { config, logger } = ctx;
  const done = new Map<number, IterationRecord>();
  const records = () => [...done.values()].sort((a, b) => a.iteration - b.iteration);
  const timings: IterationsResult['timings'] = new Map();
  const queueMissingPlots = (record: IterationRecord) => {
    if (executor.charts)
      executor.drawCharts(
        missingCharts(
          ctx.store.paths.visualizations,
          iterationChartJobs(record, config.training.timesteps, ctx.plan.imageEvery, algorithmOf(config.agent).diagnostics),
        ),
      );
  };
  for (const [n, record] of finished) {
    done.set(n, record);
    timings.set(n, { training: record.training.seconds, evaluation: 0, preservation: 0 });
    warnKept(ctx, n, await deleteFolder(ctx.store.index, layout.iterationFolder(n)));
    queueMissingPlots(record);
  }
  const handle = async ({ record, timings: t }: IterationOutcome) => {
    const n = record.iteration;
    done.set(n, record);
    timings.set(n, t);
    await updateBestModel(ctx, records());
    await options.beforeIterationCleanup?.(n, ctx.store.paths);
    warnKept(ctx, n, await deleteFolder(ctx.store.index, layout.iterationFolder(n)));
    logger.debug(
      { event: 'cleanup-removal', iteration: n, step: null, file: layout.iterationFolder(n), rule: 'iteration finished and preserved' },
      `iteration ${n}: removed ${layout.iterationFolder(n)} (its best is preserved in ${layout.checkpoints}/)`,
    );
    logger.info(
      {
        event: 'iteration-done',
        iteration: n,
        status: record.kind,
        score: record.selection.score,
        seconds: record.training.seconds,
        ...record.training.performance,
      },
      iterationLine(record),
    );
    ctx.onProgress?.(iterationDone(record, ctx.windows.length, config.training.seeds, ctx.plan.totalSteps, done.size));
    // Plots of a run stopped and resumed in the middle of this iteration may be missing; they are drawn now.
    queueMissingPlots(record);
  };
  const runHere = async (n: number) => {
    const window = ctx.windows.find((w) => w.iteration === n);
    if (!window) throw new Error(`iteration ${n} is not in the plan`);
    const previous = records()
      .filter((r) => r.kind === 'model' && r.iteration < n)
      .at(-1);
    const warm =
      config.training.warmStart && previous ? { iteration: previous.iteration, weights: await preservedWeights(ctx, previous.iteration) } : null;
    return runOneIteration(ctx, window, warm, executor.charts);
  };
  const remaining = ctx.windows.filter((w) => !done.has(w.iteration)).map((w) => w.iteration);
  const where = executor.describe(remaining.length);
  if (where) logger.info({ event: 'workers', iterations: remaining.length }, where);
  await executor.run(remaining, handle, runHere);
  const missing = remaining.filter((n) => !done.has(n));
  if (missing.length) {
    const reason = String(ctx.signal?.reason ?? 'SIGINT');
    throw new InterruptedError(
      reason,
      `interrupted by ${reason} before iteration ${missing[0]}: finished iterations are saved; run the same command to resume`,
    );
  }
  return { records: records(), timings };
}

function iterationDone(record: IterationRecord, iterations: number, seeds: number, totalSteps: number, finished: number): ProgressState {
  const t = record.training;
  return {
    iteration: finished,
    iterations,
    seed: seeds - 1,
    seeds,
    step: t.timesteps,
    timesteps: t.timesteps,
    // Every iteration trains seeds agents of timesteps steps each (t.timesteps is per agent).
    globalStep: finished * seeds * t.timesteps,
    totalSteps,
    stepsPerSecond: t.performance.stepsPerSecond,
    diagnostics: t.diagnostics,
    lastScore: record.selection.candidates.at(-1)?.score ?? null,
    bestScore: record.selection.score,
    phase: 'iteration-done',
  };
}

function iterationLine(record: IterationRecord): string {
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
  const head = `iteration ${record.iteration}: ${record.training.timesteps} steps in ${record.training.seconds.toFixed(1)}s`;
  if (record.kind === 'model') {
    return `${head}; model preserved (${record.selection.metric} ${fmt(record.selection.score)} on ${record.selection.scoredOn}, step ${record.selection.step}); test sharpe ${fmt(record.metrics.test.sharpe)} vs buy-and-hold ${fmt(record.buyAndHold.test.sharpe)}`;
  }
  return `${head}; no model: ${record.reason}; test holds ${record.fallback}`;
}
