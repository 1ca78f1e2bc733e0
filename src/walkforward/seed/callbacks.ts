import { algorithmOf } from '../../agent/registry.js';
import { holdAt, holding } from '../../logging/trace.js';
import { stepsBefore } from '../../plan/save-plan.js';
import type { Candidate } from '../../records/index.js';
import { atEnd, everyNTimesteps, onFirstStep, stopOnAbort } from '../../training/callbacks.js';
import { historyRecorder } from '../../training/history.js';
import type { PhaseClock } from '../../training/phase-clock.js';
import type { TrainCallback } from '../../training/train-loop.js';
import type { RunContext } from '../context/index.js';
import { logEvaluation, type CandidateEvaluator } from './evaluate-candidate.js';
import type { IterationBoard } from './iteration-board.js';
import { PRODUCTION_ITERATION } from '../../windows/build-windows.js';
import { reportProgress, reportResumeOverhead } from './reports.js';
import type { SeedSaves } from './seed-saves.js';
import type { ChartMoment } from './train-seed.js';
import type { TrainingSession } from './training-session.js';

/** What one seed's training is made of, as its callbacks need it. */
export interface SeedRun {
  ctx: RunContext;
  n: number;
  seed: number;
  session: TrainingSession;
  saves: SeedSaves;
  clock: PhaseClock;
  evaluate: CandidateEvaluator;
  board: IterationBoard | null;
  /** Continued from a training checkpoint. */
  resumed: boolean;
  onChart?: ChartMoment;
}

/**
 * The callbacks of one seed's training loop: stop on a signal, record and watch the history, mirror it to
 * TensorBoard, evaluate candidates (every evalFreq steps, or at the end with selection.on=last) and save the new
 * best, save training checkpoints, report progress and draw snapshot plots, each at the experiment's moments.
 */
export function seedCallbacks(run: SeedRun): TrainCallback[] {
  const { ctx, n, seed, session, saves, clock, evaluate, board, onChart } = run;
  const { config, plan } = ctx;
  const { agent } = session;
  const timesteps = config.training.timesteps;
  // Checkpoint and progress moments count every seed's steps; plot moments only seed 0's (the seed that draws).
  // The production window trains after the study's: its steps come after all of the study's.
  const offset = n === PRODUCTION_ITERATION ? plan.totalSteps + seed * timesteps : stepsBefore(config, n, seed);
  const imageOffset = (n - 1) * timesteps;
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
  return [
    stopOnAbort(ctx.signal),
    ...(run.resumed ? [onFirstStep(() => reportResumeOverhead(ctx, n))] : []),
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
}
