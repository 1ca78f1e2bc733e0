import { mkdir } from 'node:fs/promises';
import type { Diagnostics } from '../../agent/agent.js';
import { createAgent } from '../../agent/create.js';
import { algorithmOf } from '../../agent/registry.js';
import { volatilityRewardScale } from '../../agent/reward-scale.js';
import { InterruptedError } from '../../errors/index.js';
import { TradingEnv } from '../../env/trading-env.js';
import type { WindowData } from '../../env/market.js';
import { deriveSeed, Rng } from '../../random/rng.js';
import { deleteFolder } from '../../retention/cleanup.js';
import type { Candidate, IterationPerformance } from '../../records/schemas.js';
import { layout } from '../../store/layout.js';
import { atEnd, everyNTimesteps, onFirstStep, stopOnAbort } from '../../training/callbacks.js';
import { historyRecorder, type TrainingHistory } from '../../training/history.js';
import { PhaseClock } from '../../training/phase-clock.js';
import { holdAt, holding } from '../../logging/trace.js';
import { stepsBefore } from '../../plan/save-plan.js';
import { trainAgent, type LoopState, type TrainCallback } from '../../training/train-loop.js';
import type { RunContext } from '../context/index.js';
import type { ProgressState } from '../context/index.js';
import { IterationSaves } from './seed-saves.js';
import { findResumePoint, type ResumePoint } from './resume-point.js';
import { TrainingSession } from './training-session.js';
import { candidateEvaluator, logEvaluation } from './evaluate-candidate.js';
import { IterationBoard } from './iteration-board.js';
import { stepsLostAt } from './resume-point.js';
import { warnKept } from '../context/index.js';

/** What one seed's agent of an iteration found. */
export interface TrainedSeed {
  seed: number;
  /** The seed of its generator: iterationSeed for seed 0, else derived from it and the seed number. */
  rngSeed: number;
  candidates: Candidate[];
  /** The candidate kept as the iteration's current best (saved to curr_best_model.zip), if any evaluation ran. */
  best: Candidate | null;
  /** The network before its first gradient step, scored like a candidate. */
  untrained: Candidate | null;
  scoredOn: 'validation' | 'train';
  timesteps: number;
  updates: number;
  episodes: number;
  /** The agent's state diagnostics when training ended (DQN: its exploration rate). */
  diagnostics: Diagnostics;
  seconds: number;
  history: TrainingHistory;
  performance: IterationPerformance;
  /** The training checkpoint this attempt continued from, if any. */
  resumedFrom: string | null;
}

type SeedFigures = Omit<TrainedSeed, 'seed' | 'rngSeed'>;

/**
 * A seed's training whose last training checkpoint may still be committing: the iteration goes on with its
 * evaluation meanwhile and calls settle() before it commits its own record. settle() waits for the checkpoint (the
 * wait counts as that save's blocked time), rethrows its error, and gives the figures with that wait in them.
 */
export interface SeedTraining {
  trained: TrainedSeed;
  settle(): Promise<TrainedSeed>;
}

/** Called at the experiment's plot moments with the iteration's curves so far. */
export type ChartMoment = (iteration: number, step: number, history: TrainingHistory, candidates: Candidate[]) => Promise<void>;

/**
 * Trains one seed's agent of one window (seed 0: the agent of a one-seed run, with its paths), continuing from the newest training checkpoint that verifies when there is one.
 * Every evalFreq steps (and at the end) the greedy policy runs on the validation segment; when the selection
 * metric improves, the model is saved as the iteration's current best. With selection.on=last only the final model
 * is kept (scored on validation, or on train when there is no validation segment). Training checkpoints are saved
 * at the experiment's checkpoint moments, at the end, and when the run is interrupted; the newest keepTraining stay.
 */
export async function trainSeed(
  ctx: RunContext,
  data: WindowData,
  seed: number,
  warmStart: Float32Array[] | null,
  onChart?: ChartMoment,
): Promise<SeedTraining> {
  const n = data.window.iteration;
  const { timesteps } = ctx.config.training;
  const env = new TradingEnv(data.market, data.window.train.start, data.window.train.end, ctx.config.env);
  const rngSeed = agentSeed(ctx, n, seed);
  const rng = Rng.fromSeed(rngSeed);
  const algorithm = algorithmOf(ctx.config.agent);
  const agent = createAgent(ctx.config.agent, env.spaces, { rng, timesteps, rewardScale: rewardScale(ctx.config.agent.rewardScaling, data) });
  const session = new TrainingSession(agent, rng, timesteps);
  let board: IterationBoard | null = null;
  try {
    const resume = await findResumePoint(ctx, n, seed);
    const of = seed === 0 ? '' : ` seed ${seed}`;
    if (resume) {
      session.restore(resume.state, algorithm);
      const stepsLost = await stepsLostAt(ctx, n, agent.numTimesteps, seed);
      ctx.logger.info(
        { event: 'resume', iteration: n, ...(seed === 0 ? {} : { seed }), step: agent.numTimesteps, file: resume.file, stepsLost },
        `iteration ${n}${of}: resuming from ${resume.file} (step ${agent.numTimesteps} of ${timesteps}${stepsLost ? `; ${stepsLost} steps lost` : ''})`,
      );
    } else {
      // Seed 0 starts the iteration afresh; a later seed clears only its own folder (earlier seeds' results stay).
      warnKept(ctx, n, await deleteFolder(ctx.store.index, layout.seedFolder(n, seed)));
      if (warmStart) agent.loadPolicyWeights(warmStart);
    }
    await mkdir(ctx.store.paths.at(layout.seedFolder(n, seed)), { recursive: true });
    // Each seed's TensorBoard curves are a run of their own (seed_K/ inside the iteration's folder); snapshots are seed 0's.
    board = await IterationBoard.open(ctx, n, seed);
    const trained = await train(ctx, data, env, session, resume, board, seed, seed === 0 ? onChart : undefined);
    return { trained: { seed, rngSeed, ...trained.figures }, settle: async () => ({ seed, rngSeed, ...(await trained.settle()) }) };
  } finally {
    agent.dispose();
    await board?.close();
  }
}

async function train(
  ctx: RunContext,
  data: WindowData,
  env: TradingEnv,
  session: TrainingSession,
  resume: ResumePoint | null,
  board: IterationBoard | null,
  seed: number,
  onChart?: ChartMoment,
): Promise<{ figures: SeedFigures; settle: () => Promise<SeedFigures> }> {
  const n = data.window.iteration;
  const { agent } = session;
  const { config, plan } = ctx;
  const timesteps = config.training.timesteps;
  // Checkpoint and progress moments count every seed's steps; plot moments only seed 0's (the seed that draws).
  const offset = stepsBefore(config, n, seed);
  const imageOffset = (n - 1) * timesteps;
  const clock = new PhaseClock(session.priorSeconds, agent.numTimesteps, agent.numUpdates);
  const saves = new IterationSaves(ctx, data, session, clock, resume ? agent.numTimesteps : -1, seed);
  const evaluate = candidateEvaluator(ctx, data, agent, clock);
  // A network that has not taken a gradient step is never a candidate; the first such score is the reference.
  const keep = async (scored: Candidate, always: boolean) => {
    const candidate = seed === 0 ? scored : { ...scored, seed };
    if (candidate.updates === 0) {
      session.untrained ??= candidate;
      return;
    }
    session.candidates.push(candidate);
    const newBest = always || session.best === null || (candidate.score ?? -Infinity) > (session.best.score ?? -Infinity);
    logEvaluation(ctx, n, candidate, evaluate.scoredOn, newBest);
    if (newBest) await saves.currentBest(candidate, evaluate.scoredOn);
  };
  const callbacks: TrainCallback[] = [
    stopOnAbort(ctx.signal),
    ...(resume ? [onFirstStep(() => reportResumeOverhead(ctx, n))] : []),
    historyRecorder(session.history, n, algorithmOf(config.agent).diagnostics, {
      warn: (msg, fields) => ctx.logger.warn({ event: 'training-warning', iteration: n, ...fields }, msg),
    }),
    ...(board ? [board.callback(session.history, session.candidates)] : []),
    // Evaluations before the first gradient step are skipped: the step-0 reference already scored that network.
    config.selection.on === 'best'
      ? everyNTimesteps(config.training.evalFreq, 0, async () => (agent.numUpdates > 0 ? keep(await evaluate(), false) : undefined))
      : atEnd(timesteps, async () => keep(await evaluate(), true)),
    everyNTimesteps(plan.modelEvery, offset, async ({ loop, step }) => {
      await saves.training(loop);
      // Test aid: a signal lands inside training, after a checkpoint that is on disk, however fast the machine.
      if (holding('training-checkpoint') && step < timesteps) {
        await saves.flush();
        await holdAt('training-checkpoint', ctx.signal);
      }
    }),
    everyNTimesteps(plan.progressEvery, offset, ({ step }) => reportProgress(ctx, session, clock, { n, seed, offset, step }, board)),
    everyNTimesteps(plan.imageEvery, imageOffset, async ({ step }) => {
      if (onChart && step < timesteps) await clock.timed('plotting', () => onChart(n, step, session.history, session.candidates));
    }),
  ];
  if (!resume) session.untrained = seed === 0 ? await evaluate() : { ...(await evaluate()), seed };
  ctx.trace('training', { iteration: n, step: agent.numTimesteps });
  const loop: LoopState = await trainAgent(agent, env, {
    timesteps,
    callbacks,
    resumeFrom: session.loop,
    times: clock.times,
    backgroundBusy: () => saves.busy,
  });
  board?.sync(session.history, session.candidates);
  await saves.trainingIfNew(loop);
  if (ctx.signal?.aborted && agent.numTimesteps < timesteps) {
    // The state of an interrupted run is on disk before it exits.
    await saves.flush();
    const reason = String(ctx.signal.reason ?? 'SIGINT');
    throw new InterruptedError(
      reason,
      `interrupted by ${reason} at iteration ${n}, step ${agent.numTimesteps}: state saved; run the same command to resume`,
    );
  }
  // The last training checkpoint commits behind the iteration's evaluation; settle() waits for it.
  const trainedFor = clock.seconds;
  const loopEnd = { timesteps: agent.numTimesteps, updates: agent.numUpdates, diagnostics: agent.stateDiagnostics() };
  const elapsed = clock.elapsed;
  const figures = (waited: number): SeedFigures => ({
    candidates: session.candidates,
    best: session.best,
    untrained: session.untrained,
    scoredOn: evaluate.scoredOn,
    timesteps: loopEnd.timesteps,
    updates: loopEnd.updates,
    episodes: loop.episode,
    diagnostics: loopEnd.diagnostics,
    seconds: elapsed + waited,
    history: session.history,
    performance: clock.performance(loopEnd.timesteps, loopEnd.updates, trainedFor + waited),
    resumedFrom: resume?.file ?? null,
  });
  return {
    figures: figures(0),
    settle: async () => {
      const t0 = performance.now();
      await saves.flush();
      return figures((performance.now() - t0) / 1000);
    },
  };
}

function reportResumeOverhead(ctx: RunContext, n: number): void {
  const ms = Math.round(performance.now());
  ctx.logger.info({ event: 'resume-overhead', iteration: n, ms }, `iteration ${n}: first new training step ${ms} ms after the process started`);
}

function reportProgress(
  ctx: RunContext,
  session: TrainingSession,
  clock: PhaseClock,
  at: { n: number; seed: number; offset: number; step: number },
  board: IterationBoard | null,
): void {
  const { n, seed, offset, step } = at;
  const { seeds } = ctx.config.training;
  const state: ProgressState = {
    iteration: n,
    iterations: ctx.windows.length,
    seed,
    seeds,
    step,
    timesteps: ctx.config.training.timesteps,
    globalStep: offset + step,
    totalSteps: ctx.plan.totalSteps,
    stepsPerSecond: clock.stepsPerSecond(step),
    diagnostics: session.agent.stateDiagnostics(),
    lastScore: session.candidates.at(-1)?.score ?? null,
    bestScore: session.best?.score ?? null,
    phase: 'training',
  };
  board?.stepsPerSecond(step, state.stepsPerSecond);
  const { phase: _phase, ...fields } = state;
  ctx.logger.debug(
    { event: 'progress', ...fields },
    `iteration ${n}${seeds > 1 ? ` seed ${seed}` : ''}: step ${step} of ${state.timesteps}, ${state.stepsPerSecond.toFixed(0)} steps/s`,
  );
  ctx.onProgress?.(state);
}

/** Each iteration has its own stream, derived from the experiment seed and the iteration number. */
export function iterationSeed(ctx: Pick<RunContext, 'seed'>, n: number): number {
  return deriveSeed(ctx.seed, 'iteration', n);
}

/** The stream of one seed's agent: seed 0 keeps the iteration's (so training.seeds=1 is a one-seed run). */
export function agentSeed(ctx: Pick<RunContext, 'seed'>, n: number, seed: number): number {
  return seed === 0 ? iterationSeed(ctx, n) : deriveSeed(ctx.seed, 'iteration', n, 'seed', seed);
}

function rewardScale(scaling: 'train-volatility' | 'none', data: WindowData): number {
  return scaling === 'none' ? 1 : volatilityRewardScale(data.market.logReturns, data.window.train.start, data.window.train.end);
}
