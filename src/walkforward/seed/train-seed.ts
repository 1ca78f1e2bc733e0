import { mkdir } from 'node:fs/promises';
import type { Diagnostics } from '../../agent/agent.js';
import { createAgent } from '../../agent/create.js';
import { algorithmOf } from '../../agent/registry.js';
import { InterruptedError } from '../../errors/index.js';
import { Rng } from '../../random/rng.js';
import { deleteFolder } from '../../retention/delete.js';
import type { Candidate, IterationPerformance, RecordedHistory } from '../../records/index.js';
import { layout } from '../../store/layout.js';
import { type TrainingHistory } from '../../training/history.js';
import { PhaseClock } from '../../training/phase-clock.js';
import type { LoopState } from '../../training/train-loop.js';
import type { WindowTrading } from '../../training/window-trading.js';
import type { RunContext } from '../context/index.js';
import { SeedSaves } from './seed-saves.js';
import { findResumePoint, type ResumePoint } from './resume-point.js';
import { TrainingSession } from './training-session.js';
import { seedCallbacks } from './callbacks.js';
import { agentSeed } from './seeds.js';
import { candidateEvaluator } from './evaluate-candidate.js';
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
  /** The curves as records keep them (a seed read back from its result has no interval in progress). */
  history: RecordedHistory;
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
  trading: WindowTrading,
  seed: number,
  warmStart: Float32Array[] | null,
  onChart?: ChartMoment,
): Promise<SeedTraining> {
  const n = trading.window.iteration;
  const { timesteps } = ctx.config.training;
  const rngSeed = agentSeed(ctx, n, seed);
  const rng = Rng.fromSeed(rngSeed);
  const algorithm = algorithmOf(ctx.config.agent);
  const agent = createAgent(ctx.config.agent, trading.spaces, {
    rng,
    timesteps,
    rewardScale: trading.agentRewardScale(ctx.config.agent.rewardScaling),
    transitionsPerStep: trading.instruments,
  });
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
    const trained = await train(ctx, trading, session, resume, board, seed, seed === 0 ? onChart : undefined);
    return { trained: { seed, rngSeed, ...trained.figures }, settle: async () => ({ seed, rngSeed, ...(await trained.settle()) }) };
  } finally {
    agent.dispose();
    await board?.close();
  }
}

async function train(
  ctx: RunContext,
  trading: WindowTrading,
  session: TrainingSession,
  resume: ResumePoint | null,
  board: IterationBoard | null,
  seed: number,
  onChart?: ChartMoment,
): Promise<{ figures: SeedFigures; settle: () => Promise<SeedFigures> }> {
  const n = trading.window.iteration;
  const { agent } = session;
  const { config } = ctx;
  const timesteps = config.training.timesteps;
  const clock = new PhaseClock(session.priorSeconds, agent.numTimesteps, agent.numUpdates);
  const saves = new SeedSaves(ctx, trading, session, clock, resume ? agent.numTimesteps : -1, seed);
  const evaluate = candidateEvaluator(ctx, trading, agent, clock);
  const callbacks = seedCallbacks({ ctx, n, seed, session, saves, clock, evaluate, board, resumed: resume !== null, onChart });
  if (!resume) session.untrained = seed === 0 ? await evaluate() : { ...(await evaluate()), seed };
  ctx.trace('training', { iteration: n, step: agent.numTimesteps });
  const loop: LoopState = await trading.train(agent, config.agent.rewardScaling, {
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
