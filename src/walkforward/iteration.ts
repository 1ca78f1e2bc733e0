import { mkdir, readdir } from 'node:fs/promises';
import { DqnAgent } from '../agent/dqn-agent.js';
import { score, type MetricName } from '../analysis/metrics.js';
import { InterruptedError } from '../store/errors.js';
import { saveModelZip } from '../store/model-zip.js';
import { loadTrainingCheckpoint, saveTrainingCheckpoint, trainingCheckpointName, type TrainingSnapshot } from '../store/training-checkpoint.js';
import { TradingEnv } from '../env/trading-env.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { deleteFolder, pruneTrainingCheckpoints } from '../retention/cleanup.js';
import type { Candidate, IndexEntry, IterationPerformance } from '../records/schemas.js';
import { runPolicy } from '../training/evaluate.js';
import { emptyHistory, historyRecorder, type TrainingHistory } from '../training/history.js';
import { trainAgent, type LoopState, type TrainCallback } from '../training/train-loop.js';
import type { RunContext } from './context.js';
import type { WindowData } from '../env/market.js';

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
  const n = data.window.iteration;
  const env = new TradingEnv(data.market, data.window.train.start, data.window.train.end, ctx.config.env);
  const rng = Rng.fromSeed(iterationSeed(ctx, n));
  const agent = new DqnAgent(ctx.config.agent, env.obsDim, env.nActions, rng, ctx.config.training.timesteps);
  try {
    const resume = await findResumePoint(ctx, n);
    if (resume) {
      agent.setState(resume.snapshot.agent);
      rng.setState(resume.snapshot.rng);
      ctx.logger.info({ event: 'resume', iteration: n, step: agent.numTimesteps, file: resume.file }, `iteration ${n}: resuming from ${resume.file} (step ${agent.numTimesteps} of ${ctx.config.training.timesteps})`);
    } else {
      await deleteFolder(ctx.index, `iterations/iter_${n}`);
      if (warmStart) agent.loadWeights(warmStart);
    }
    await mkdir(`${ctx.paths.iterationDir(n)}/training`, { recursive: true });
    const trainer = new IterationTrainer(ctx, data, agent, rng, resume, onChart);
    return await trainer.run(env);
  } finally {
    agent.dispose();
  }
}

/** The state of one iteration's training and the callbacks that evaluate, save, report and draw along the way. */
class IterationTrainer {
  private readonly n: number;
  private readonly started = performance.now();
  private readonly startStep: number;
  private readonly startUpdates: number;
  private readonly scoredOn: 'validation' | 'train';
  private readonly scoreEnv: TradingEnv;
  private readonly metric: MetricName;
  private readonly timesteps: number;
  private readonly offset: number;
  private readonly times = { action: 0, environment: 0, training: 0, evaluation: 0, saving: 0 };
  private candidates: Candidate[];
  private best: Candidate | null;
  private history: TrainingHistory;
  private loopState: LoopState | undefined;
  private priorSeconds: number;
  private lastSaved: number;

  constructor(
    private readonly ctx: RunContext,
    private readonly data: WindowData,
    private readonly agent: DqnAgent,
    private readonly rng: Rng,
    private readonly resume: { file: string; snapshot: TrainingSnapshot } | null,
    private readonly onChart?: ChartMoment,
  ) {
    const { config } = ctx;
    const w = data.window;
    this.n = w.iteration;
    this.timesteps = config.training.timesteps;
    this.offset = (this.n - 1) * this.timesteps;
    this.scoredOn = w.validation ? 'validation' : 'train';
    const scored = w.validation ?? w.train;
    this.scoreEnv = new TradingEnv(data.market, scored.start, scored.end, config.env);
    this.metric = config.selection.metric as MetricName;
    const snap = resume?.snapshot;
    this.candidates = snap?.candidates ?? [];
    this.best = snap?.best ?? null;
    this.history = snap?.history ?? emptyHistory(this.timesteps);
    this.loopState = snap?.loop;
    this.priorSeconds = snap?.loop.elapsedSeconds ?? 0;
    this.lastSaved = resume ? agent.numTimesteps : -1;
    this.startStep = agent.numTimesteps;
    this.startUpdates = agent.numUpdates;
  }

  async run(env: TradingEnv): Promise<TrainedIteration> {
    const { ctx, agent, n } = this;
    ctx.trace('training', { iteration: n, step: agent.numTimesteps });
    const loop = await trainAgent(agent, env, { timesteps: this.timesteps, callbacks: this.callbacks(), resumeFrom: this.loopState, times: this.times });
    if (ctx.signal?.aborted && agent.numTimesteps < this.timesteps) {
      if (this.lastSaved !== agent.numTimesteps) await this.saveTraining(loop);
      const reason = String(ctx.signal.reason ?? 'SIGINT');
      throw new InterruptedError(reason, `interrupted by ${reason} at iteration ${n}, step ${agent.numTimesteps}: state saved; run the same command to resume`);
    }
    if (this.lastSaved !== agent.numTimesteps) await this.saveTraining(loop);
    return {
      candidates: this.candidates,
      best: this.best,
      scoredOn: this.scoredOn,
      timesteps: agent.numTimesteps,
      updates: agent.numUpdates,
      episodes: loop.episode,
      finalEpsilon: agent.epsilon,
      seconds: this.elapsed(),
      history: this.history,
      performance: this.performance(),
      resumedFrom: this.resume?.file ?? null,
    };
  }

  private callbacks(): TrainCallback[] {
    const { ctx, n, offset } = this;
    const interrupt: TrainCallback = { onStep: () => !ctx.signal?.aborted };
    let overheadReported = !this.resume;
    const resumeOverhead: TrainCallback = {
      onStep: () => {
        if (overheadReported) return;
        overheadReported = true;
        const ms = Math.round(performance.now());
        ctx.logger.info({ event: 'resume-overhead', iteration: n, ms }, `iteration ${n}: first new training step ${ms} ms after the process started`);
      },
    };
    const recorder = historyRecorder(this.history, n, { warn: (msg, fields) => ctx.logger.warn({ event: 'training-warning', iteration: n, ...fields }, msg) });
    const selection: TrainCallback =
      ctx.config.selection.on === 'best'
        ? { every: ctx.config.training.evalFreq, onMoment: () => this.evaluateAndKeepBest() }
        : { onMoment: ({ step }) => (step < this.timesteps ? undefined : this.evaluateAndKeepLast()) };
    const checkpointing: TrainCallback = { every: ctx.plan.modelEvery, offset, onMoment: ({ loop }) => this.saveTraining(loop) };
    const progress: TrainCallback = { every: ctx.plan.progressEvery, offset, onMoment: ({ step }) => this.reportProgress(step) };
    const charts: TrainCallback = {
      every: ctx.plan.imageEvery,
      offset,
      onMoment: async ({ step }) => {
        if (this.onChart && step < this.timesteps) await this.timed('saving', () => this.onChart?.(n, step, this.history, this.candidates));
      },
    };
    return [interrupt, resumeOverhead, recorder, selection, checkpointing, progress, charts];
  }

  private async evaluateAndKeepBest(): Promise<void> {
    const candidate = await this.evaluate();
    this.candidates.push(candidate);
    if (this.best === null || (candidate.score ?? -Infinity) > (this.best.score ?? -Infinity)) await this.saveCurrentBest(candidate);
  }

  private async evaluateAndKeepLast(): Promise<void> {
    const candidate = await this.evaluate();
    this.candidates.push(candidate);
    await this.saveCurrentBest(candidate);
  }

  private evaluate(): Promise<Candidate> {
    return this.timed('evaluation', () => {
      const { ctx, agent, n } = this;
      ctx.trace('evaluation', { iteration: n, step: agent.numTimesteps });
      const metrics = runPolicy(this.scoreEnv, (obs) => agent.greedyAction(obs), ctx.metricOptions).metrics;
      const s = score(metrics, this.metric);
      ctx.trace('training', { iteration: n, step: agent.numTimesteps });
      return { step: agent.numTimesteps, score: Number.isFinite(s) ? s : null, metrics };
    });
  }

  private saveCurrentBest(candidate: Candidate): Promise<void> {
    return this.timed('saving', async () => {
      const { ctx, n } = this;
      const { config } = ctx;
      this.best = candidate;
      ctx.trace('checkpoint-write', { iteration: n, step: candidate.step, file: 'curr_best_model.zip' });
      const written = await saveModelZip(ctx.paths.currentBest(n), this.agent.exportModel(), {
        ...ctx.metadata,
        kind: 'model',
        iteration: n,
        step: candidate.step,
        metrics: { [this.scoredOn]: candidate.metrics },
        observation: { lookback: config.env.lookback, features: config.features, standardization: this.data.standardization },
      });
      await ctx.index.add(entry(`iterations/iter_${n}/curr_best_model.zip`, 'current_best', written, n, candidate.step, { [this.metric]: candidate.score }));
      ctx.trace('training', { iteration: n, step: candidate.step });
    });
  }

  private saveTraining(loop: LoopState): Promise<void> {
    return this.timed('saving', async () => {
      const { ctx, agent, n } = this;
      const step = agent.numTimesteps;
      const name = trainingCheckpointName(step);
      ctx.trace('checkpoint-write', { iteration: n, step, file: name });
      const written = await saveTrainingCheckpoint(
        `${ctx.paths.iterationDir(n)}/training/${name}`,
        agent,
        { rng: this.rng.getState(), loop: { ...loop, elapsedSeconds: this.elapsed() }, candidates: this.candidates, best: this.best, history: this.history },
        { ...ctx.metadata, kind: 'training', iteration: n, step, metrics: this.best ? { [this.metric]: this.best.score } : {} },
        ctx.config.checkpoint.saveReplayBuffer,
      );
      await ctx.index.add(entry(`iterations/iter_${n}/training/${name}`, 'training', written, n, step, { epsilon: agent.epsilon }));
      await pruneTrainingCheckpoints(ctx.index, `iterations/iter_${n}/training`, ctx.config.checkpoint.keepTraining);
      this.lastSaved = step;
      ctx.trace('training', { iteration: n, step });
    });
  }

  private reportProgress(step: number): void {
    const seconds = (performance.now() - this.started) / 1000;
    this.ctx.onProgress?.({
      iteration: this.n,
      iterations: this.ctx.windows.length,
      step,
      timesteps: this.timesteps,
      globalStep: this.offset + step,
      totalSteps: this.ctx.plan.totalSteps,
      stepsPerSecond: seconds > 0 ? (step - this.startStep) / seconds : 0,
      epsilon: this.agent.epsilon,
      lastScore: this.candidates.at(-1)?.score ?? null,
      bestScore: this.best?.score ?? null,
      phase: 'training',
    });
  }

  private async timed<T>(phase: 'evaluation' | 'saving', fn: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.times[phase] += performance.now() - t0;
    }
  }

  private elapsed(): number {
    return this.priorSeconds + (performance.now() - this.started) / 1000;
  }

  private performance(): IterationPerformance {
    const seconds = (performance.now() - this.started) / 1000;
    const memory = process.memoryUsage();
    const ms = (x: number) => x / 1000;
    return {
      stepsPerSecond: seconds > 0 ? (this.agent.numTimesteps - this.startStep) / seconds : 0,
      updatesPerSecond: seconds > 0 ? (this.agent.numUpdates - this.startUpdates) / seconds : 0,
      phases: { action: ms(this.times.action), environment: ms(this.times.environment), training: ms(this.times.training), evaluation: ms(this.times.evaluation), saving: ms(this.times.saving) },
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
    };
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
