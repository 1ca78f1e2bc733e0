import { mkdir, readdir } from 'node:fs/promises';
import { DqnAgent } from '../agent/dqn-agent.js';
import { score, type MetricName } from '../analysis/metrics.js';
import { InterruptedError } from '../checkpoint/errors.js';
import { saveModelZip } from '../checkpoint/model-zip.js';
import { loadTrainingCheckpoint, saveTrainingCheckpoint, trainingCheckpointName, type TrainingSnapshot } from '../checkpoint/training-checkpoint.js';
import { TradingEnv } from '../env/trading-env.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { deleteFolder, pruneTrainingCheckpoints } from '../retention/cleanup.js';
import type { Candidate, IndexEntry } from '../results/schemas.js';
import { runPolicy } from '../training/evaluate.js';
import { emptyHistory, historyRecorder, type TrainingHistory } from '../training/history.js';
import { trainAgent, type LoopState, type PhaseTimes, type TrainCallback } from '../training/train-loop.js';
import type { RunContext } from './context.js';
import type { WindowData } from './market.js';

export interface IterationPerformance {
  stepsPerSecond: number;
  updatesPerSecond: number;
  phases: { action: number; environment: number; training: number; evaluation: number; saving: number };
  rssBytes: number;
  heapUsedBytes: number;
}

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
  history: TrainingHistory;
  performance: IterationPerformance;
  /** The training checkpoint this attempt continued from, if any. */
  resumedFrom: string | null;
}

/** Called at the experiment's plot moments with the iteration's curves so far. */
export type ChartMoment = (iteration: number, step: number, history: TrainingHistory, candidates: Candidate[]) => Promise<void>;

/**
 * Trains the agent of one window, continuing from the newest training checkpoint that verifies when there is one.
 * Every evalFreq steps (and at the end) the greedy policy runs on the validation segment; when the selection
 * metric improves, the model is saved as the iteration's current best. With selection.on=last only the final model
 * is kept (scored on validation, or on train when there is no validation segment). Training checkpoints are saved
 * at the experiment's checkpoint moments, at the end, and when the run is interrupted; the newest keepTraining stay.
 */
export async function trainIteration(ctx: RunContext, data: WindowData, warmStart: Float32Array[] | null, onChart?: ChartMoment): Promise<TrainedIteration> {
  const { config, paths } = ctx;
  const { window, market } = data;
  const n = window.iteration;
  const started = performance.now();
  const env = new TradingEnv(market, window.train.start, window.train.end, config.env);
  const scoreSegment = window.validation ?? window.train;
  const scoredOn = window.validation ? 'validation' : 'train';
  const scoreEnv = new TradingEnv(market, scoreSegment.start, scoreSegment.end, config.env);
  const rng = Rng.fromSeed(iterationSeed(ctx, n));
  const timesteps = config.training.timesteps;
  const offset = (n - 1) * timesteps;
  const agent = new DqnAgent(config.agent, env.obsDim, env.nActions, rng, timesteps);
  try {
    const resume = await findResumePoint(ctx, n);
    let candidates: Candidate[] = [];
    let best: Candidate | null = null;
    let history = emptyHistory(timesteps);
    let loopState: LoopState | undefined;
    let priorSeconds = 0;
    if (resume) {
      agent.setState(resume.snapshot.agent);
      rng.setState(resume.snapshot.rng);
      ({ candidates, best, history } = resume.snapshot);
      loopState = resume.snapshot.loop;
      priorSeconds = resume.snapshot.loop.elapsedSeconds ?? 0;
      ctx.logger.info({ event: 'resume', iteration: n, step: agent.numTimesteps, file: resume.file }, `iteration ${n}: resuming from ${resume.file} (step ${agent.numTimesteps} of ${timesteps})`);
    } else {
      await deleteFolder(ctx.index, `iterations/iter_${n}`);
      if (warmStart) agent.loadWeights(warmStart);
    }
    await mkdir(`${paths.iterationDir(n)}/training`, { recursive: true });
    const startStep = agent.numTimesteps;
    const startUpdates = agent.numUpdates;
    const times: PhaseTimes & { evaluation: number; saving: number } = { action: 0, environment: 0, training: 0, evaluation: 0, saving: 0 };
    const timed = async <T>(phase: 'evaluation' | 'saving', fn: () => Promise<T> | T): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        times[phase] += performance.now() - t0;
      }
    };
    const elapsed = () => priorSeconds + (performance.now() - started) / 1000;
    const metric = config.selection.metric as MetricName;

    const saveCurrentBest = (candidate: Candidate) =>
      timed('saving', async () => {
        best = candidate;
        ctx.trace('checkpoint-write', { iteration: n, step: candidate.step, file: 'curr_best_model.zip' });
        const written = await saveModelZip(paths.currentBest(n), agent.exportModel(), {
          ...ctx.metadata,
          kind: 'model',
          iteration: n,
          step: candidate.step,
          metrics: { [scoredOn]: candidate.metrics },
          observation: { lookback: config.env.lookback, features: config.features, standardization: data.standardization },
        });
        await ctx.index.add(entry(`iterations/iter_${n}/curr_best_model.zip`, 'current_best', written, n, candidate.step, { [metric]: candidate.score }));
        ctx.trace('training', { iteration: n, step: candidate.step });
      });
    const evaluate = () =>
      timed('evaluation', (): Candidate => {
        ctx.trace('evaluation', { iteration: n, step: agent.numTimesteps });
        const metrics = runPolicy(scoreEnv, (obs) => agent.greedyAction(obs), ctx.metricOptions).metrics;
        const s = score(metrics, metric);
        ctx.trace('training', { iteration: n, step: agent.numTimesteps });
        return { step: agent.numTimesteps, score: Number.isFinite(s) ? s : null, metrics };
      });
    const selection: TrainCallback =
      config.selection.on === 'best'
        ? {
            every: config.training.evalFreq,
            onMoment: async () => {
              const candidate = await evaluate();
              candidates.push(candidate);
              if (best === null || (candidate.score ?? -Infinity) > (best.score ?? -Infinity)) await saveCurrentBest(candidate);
            },
          }
        : {
            onMoment: async ({ step }) => {
              if (step < timesteps) return;
              const candidate = await evaluate();
              candidates.push(candidate);
              await saveCurrentBest(candidate);
            },
          };
    let lastSaved = resume ? agent.numTimesteps : -1;
    const saveTraining = (loop: LoopState) =>
      timed('saving', async () => {
        const step = agent.numTimesteps;
        const name = trainingCheckpointName(step);
        ctx.trace('checkpoint-write', { iteration: n, step, file: name });
        const written = await saveTrainingCheckpoint(
          `${paths.iterationDir(n)}/training/${name}`,
          agent,
          { rng: rng.getState(), loop: { ...loop, elapsedSeconds: elapsed() }, candidates, best, history },
          { ...ctx.metadata, kind: 'training', iteration: n, step, metrics: best ? { [metric]: (best as Candidate).score } : {} },
          config.checkpoint.saveReplayBuffer,
        );
        await ctx.index.add(entry(`iterations/iter_${n}/training/${name}`, 'training', written, n, step, { epsilon: agent.epsilon }));
        await pruneTrainingCheckpoints(ctx.index, `iterations/iter_${n}/training`, config.checkpoint.keepTraining);
        lastSaved = step;
        ctx.trace('training', { iteration: n, step });
      });
    const checkpointing: TrainCallback = { every: ctx.plan.modelEvery, offset, onMoment: ({ loop }) => saveTraining(loop) };
    const interrupt: TrainCallback = { onStep: () => !ctx.signal?.aborted };
    let overheadReported = !resume;
    const resumeOverhead: TrainCallback = {
      onStep: () => {
        if (overheadReported) return;
        overheadReported = true;
        const ms = Math.round(performance.now());
        ctx.logger.info({ event: 'resume-overhead', iteration: n, ms }, `iteration ${n}: first new training step ${ms} ms after the process started`);
      },
    };
    const recorder = historyRecorder(history, n, { warn: (msg, fields) => ctx.logger.warn({ event: 'training-warning', iteration: n, ...fields }, msg) });
    const progress: TrainCallback = {
      every: ctx.plan.progressEvery,
      offset,
      onMoment: ({ step, agent: a }) => {
        const seconds = (performance.now() - started) / 1000;
        ctx.onProgress?.({
          iteration: n,
          iterations: ctx.windows.length,
          step,
          timesteps,
          globalStep: offset + step,
          totalSteps: ctx.plan.totalSteps,
          stepsPerSecond: seconds > 0 ? (step - startStep) / seconds : 0,
          epsilon: a.epsilon,
          lastScore: candidates.at(-1)?.score ?? null,
          bestScore: best?.score ?? null,
          phase: 'training',
        });
      },
    };
    const charts: TrainCallback = {
      every: ctx.plan.imageEvery,
      offset,
      onMoment: async ({ step }) => {
        if (onChart && step < timesteps) await timed('saving', () => onChart(n, step, history, candidates));
      },
    };

    ctx.trace('training', { iteration: n, step: agent.numTimesteps });
    const loop = await trainAgent(agent, env, {
      timesteps,
      callbacks: [interrupt, resumeOverhead, recorder, selection, checkpointing, progress, charts],
      resumeFrom: loopState,
      times,
    });
    if (ctx.signal?.aborted && agent.numTimesteps < timesteps) {
      if (lastSaved !== agent.numTimesteps) await saveTraining(loop);
      const reason = String(ctx.signal.reason ?? 'SIGINT');
      throw new InterruptedError(reason, `interrupted by ${reason} at iteration ${n}, step ${agent.numTimesteps}: state saved; run the same command to resume`);
    }
    if (lastSaved !== agent.numTimesteps) await saveTraining(loop);
    const seconds = (performance.now() - started) / 1000;
    const memory = process.memoryUsage();
    return {
      candidates,
      best,
      scoredOn,
      timesteps: agent.numTimesteps,
      updates: agent.numUpdates,
      episodes: loop.episode,
      finalEpsilon: agent.epsilon,
      seconds: elapsed(),
      history,
      performance: {
        stepsPerSecond: seconds > 0 ? (agent.numTimesteps - startStep) / seconds : 0,
        updatesPerSecond: seconds > 0 ? (agent.numUpdates - startUpdates) / seconds : 0,
        phases: {
          action: times.action / 1000,
          environment: times.environment / 1000,
          training: times.training / 1000,
          evaluation: times.evaluation / 1000,
          saving: times.saving / 1000,
        },
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
      },
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
  const folder = `${ctx.paths.iterationDir(n)}/training`;
  const names = await readdir(folder).catch(() => [] as string[]);
  const files = names.filter((f) => /^model_step_\d+\.zip$/.test(f)).sort().reverse().map((f) => `${folder}/${f}`);
  for (const file of files) {
    try {
      const { metadata, snapshot } = await loadTrainingCheckpoint(file);
      if (metadata.configHash !== ctx.configHash) {
        ctx.logger.warn({ event: 'checkpoint-skipped', file }, `${file} was written under another configuration and is not resumed from`);
        continue;
      }
      return { file, snapshot };
    } catch (err) {
      ctx.logger.warn({ event: 'checkpoint-skipped', file }, `${file} is not usable (${(err as Error).message}); trying an older checkpoint`);
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
