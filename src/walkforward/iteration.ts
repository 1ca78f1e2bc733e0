import { mkdir, readdir } from 'node:fs/promises';
import { deleteFolder, pruneTrainingCheckpoints } from '../retention/cleanup.js';
import { DqnAgent } from '../agent/dqn-agent.js';
import { score, type MetricName } from '../analysis/metrics.js';
import { InterruptedError } from '../checkpoint/errors.js';
import { saveModelZip } from '../checkpoint/model-zip.js';
import { loadTrainingCheckpoint, saveTrainingCheckpoint, trainingCheckpointName, type TrainingSnapshot } from '../checkpoint/training-checkpoint.js';
import { TradingEnv } from '../env/trading-env.js';
import type { WindowData } from './market.js';
import { deriveSeed, Rng } from '../random/rng.js';
import type { Candidate, IndexEntry } from '../results/schemas.js';
import { runPolicy } from '../training/evaluate.js';
import { trainAgent, type LoopState, type TrainCallback } from '../training/train-loop.js';
import type { RunContext } from './context.js';

export interface TrainedIteration {
  candidates: Candidate[];
  /** The candidate kept as the iteration's current best (saved to curr_best_model.zip), if any evaluation ran. */
  best: Candidate | null;
  scoredOn: 'validation' | 'train';
  timesteps: number;
  updates: number;
  episodes: number;
  finalEpsilon: number;
  seconds: number;
  /** The training checkpoint this attempt continued from, if any. */
  resumedFrom: string | null;
}

/**
 * Trains the agent of one window, continuing from the newest training checkpoint that verifies when there is one.
 * Every evalFreq steps (and at the end) the greedy policy runs on the validation segment; when the selection
 * metric improves, the model is saved as the iteration's current best. With selection.on=last only the final model
 * is kept (scored on validation, or on train when there is no validation segment). Training checkpoints are saved
 * every ctx.modelSaveEvery steps, at the end, and when the run is interrupted; the newest keepTraining are kept.
 */
export async function trainIteration(ctx: RunContext, data: WindowData, warmStart: Float32Array[] | null): Promise<TrainedIteration> {
  const { window, market } = data;
  const { config, paths } = ctx;
  const started = performance.now();
  const n = window.iteration;
  const env = new TradingEnv(market, window.train.start, window.train.end, config.env);
  const scoreSegment = window.validation ?? window.train;
  const scoredOn = window.validation ? 'validation' : 'train';
  const scoreEnv = new TradingEnv(market, scoreSegment.start, scoreSegment.end, config.env);
  const rng = Rng.fromSeed(iterationSeed(ctx, n));
  const timesteps = config.training.timesteps;
  const agent = new DqnAgent(config.agent, env.obsDim, env.nActions, rng, timesteps);
  try {
    const resume = await findResumePoint(ctx, n);
    let candidates: Candidate[] = [];
    let best: Candidate | null = null;
    let loopState: LoopState | undefined;
    let priorSeconds = 0;
    if (resume) {
      agent.setState(resume.snapshot.agent);
      rng.setState(resume.snapshot.rng);
      candidates = resume.snapshot.candidates;
      best = resume.snapshot.best;
      loopState = resume.snapshot.loop;
      priorSeconds = resume.snapshot.loop.elapsedSeconds ?? 0;
      ctx.log(`iteration ${n}: resuming from ${resume.file} (step ${agent.numTimesteps} of ${timesteps})`);
    } else {
      await deleteFolder(ctx.index, `iterations/iter_${n}`);
      if (warmStart) {
        agent.online.setWeights(warmStart);
        agent.target.copyFrom(agent.online);
      }
    }
    await mkdir(`${paths.iterationDir(n)}/training`, { recursive: true });

    const metric = config.selection.metric as MetricName;
    const elapsed = () => priorSeconds + (performance.now() - started) / 1000;
    const saveCurrentBest = async (candidate: Candidate) => {
      best = candidate;
      ctx.trace('checkpoint-write', { iteration: n, step: candidate.step, file: 'curr_best_model.zip' });
      const written = await saveModelZip(paths.currentBest(n), agent.online.model, {
        ...ctx.metadata,
        kind: 'model',
        iteration: n,
        step: candidate.step,
        metrics: { [scoredOn]: candidate.metrics },
        observation: { lookback: config.env.lookback, features: config.features, standardization: data.standardization },
      });
      await ctx.index.add(entry(`iterations/iter_${n}/curr_best_model.zip`, 'current_best', written, n, candidate.step, { [metric]: candidate.score }));
    };
    const evaluate = (): Candidate => {
      ctx.trace('evaluation', { iteration: n, step: agent.numTimesteps });
      const metrics = runPolicy(scoreEnv, (obs) => agent.greedyAction(obs), ctx.metricOptions).metrics;
      const s = score(metrics, metric);
      return { step: agent.numTimesteps, score: Number.isFinite(s) ? s : null, metrics };
    };
    const selection: TrainCallback =
      config.selection.on === 'best'
        ? {
            every: config.training.evalFreq,
            onMoment: async () => {
              const candidate = evaluate();
              candidates.push(candidate);
              if (best === null || (candidate.score ?? -Infinity) > (best.score ?? -Infinity)) await saveCurrentBest(candidate);
            },
          }
        : {
            onMoment: async ({ step }) => {
              if (step < timesteps) return;
              const candidate = evaluate();
              candidates.push(candidate);
              await saveCurrentBest(candidate);
            },
          };
    let lastSaved = resume ? agent.numTimesteps : -1;
    const saveTraining = async (loop: LoopState) => {
      const step = agent.numTimesteps;
      const name = trainingCheckpointName(step);
      ctx.trace('checkpoint-write', { iteration: n, step, file: name });
      const written = await saveTrainingCheckpoint(
        `${paths.iterationDir(n)}/training/${name}`,
        agent,
        { rng: rng.getState(), loop: { ...loop, elapsedSeconds: elapsed() }, candidates, best },
        { ...ctx.metadata, kind: 'training', iteration: n, step, metrics: best ? { [metric]: (best as Candidate).score } : {} },
        config.checkpoint.saveReplayBuffer,
      );
      await ctx.index.add(entry(`iterations/iter_${n}/training/${name}`, 'training', written, n, step, { epsilon: agent.epsilon }));
      await pruneTrainingCheckpoints(ctx.index, `iterations/iter_${n}/training`, config.checkpoint.keepTraining);
      lastSaved = step;
    };
    const checkpointing: TrainCallback = {
      every: ctx.modelSaveEvery,
      onMoment: async ({ loop }) => saveTraining(loop),
    };
    const interrupt: TrainCallback = { onStep: () => !ctx.signal?.aborted };
    let overheadReported = !resume;
    const resumeOverhead: TrainCallback = {
      onStep: () => {
        if (overheadReported) return;
        overheadReported = true;
        ctx.log(`iteration ${n}: first new training step ${Math.round(performance.now())} ms after the process started`);
      },
    };

    ctx.trace('training', { iteration: n, step: agent.numTimesteps });
    const loop = await trainAgent(agent, env, { timesteps, callbacks: [interrupt, resumeOverhead, selection, checkpointing], resumeFrom: loopState });
    if (ctx.signal?.aborted && agent.numTimesteps < timesteps) {
      if (lastSaved !== agent.numTimesteps) await saveTraining(loop);
      const reason = String(ctx.signal.reason ?? 'SIGINT');
      throw new InterruptedError(reason, `interrupted by ${reason} at iteration ${n}, step ${agent.numTimesteps}: state saved; run the same command to resume`);
    }
    if (lastSaved !== agent.numTimesteps) await saveTraining(loop);
    return {
      candidates,
      best,
      scoredOn,
      timesteps: agent.numTimesteps,
      updates: agent.numUpdates,
      episodes: loop.episode,
      finalEpsilon: agent.epsilon,
      seconds: elapsed(),
      resumedFrom: resume?.file ?? null,
    };
  } finally {
    agent.dispose();
  }
}

/** Each iteration has its own stream, derived from the experiment seed and the iteration number. */
export function iterationSeed(ctx: Pick<RunContext, 'seed'>, n: number): number {
  return deriveSeed(ctx.seed, 'iteration', n);
}

/** The newest training checkpoint of the iteration that verifies (or the one named by --resume). */
async function findResumePoint(ctx: RunContext, n: number): Promise<{ file: string; snapshot: TrainingSnapshot } | null> {
  if (ctx.resumeFrom?.iteration === n) {
    const chosen = ctx.resumeFrom;
    ctx.resumeFrom = undefined;
    return { file: chosen.file, snapshot: chosen.snapshot };
  }
  const candidates: string[] = [];
  const folder = `${ctx.paths.iterationDir(n)}/training`;
  const names = await readdir(folder).catch(() => [] as string[]);
  candidates.push(...names.filter((f) => /^model_step_\d+\.zip$/.test(f)).sort().reverse().map((f) => `${folder}/${f}`));
  for (const file of candidates) {
    try {
      const { metadata, snapshot } = await loadTrainingCheckpoint(file);
      if (metadata.configHash !== ctx.configHash) {
        ctx.log(`warning: ${file} was written under another configuration and is not resumed from`);
        continue;
      }
      return { file, snapshot };
    } catch (err) {
      ctx.log(`warning: ${file} is not usable (${(err as Error).message}); trying an older checkpoint`);
    }
  }
  return null;
}

function entry(
  path: string,
  kind: IndexEntry['kind'],
  written: { sha256: string; size: number },
  iteration: number,
  step: number,
  metrics: Record<string, unknown>,
): IndexEntry {
  return { path, kind, size: written.size, sha256: written.sha256, iteration, step, metrics, time: new Date().toISOString() };
}

