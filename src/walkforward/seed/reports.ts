import type { RunContext } from '../context/index.js';
import type { ProgressState } from '../context/index.js';
import type { PhaseClock } from '../../training/phase-clock.js';
import type { IterationBoard } from './iteration-board.js';
import type { TrainingSession } from './training-session.js';
import { PRODUCTION_ITERATION } from '../../windows/build-windows.js';

/** The run.log line of a resumed iteration's first step: how long after the process started training went on. */
export function reportResumeOverhead(ctx: RunContext, n: number): void {
  const ms = Math.round(performance.now());
  ctx.logger.info({ event: 'resume-overhead', iteration: n, ms }, `iteration ${n}: first new training step ${ms} ms after the process started`);
}

/** A progress line (run.log, the console's onProgress) of one seed's training at `step`. */
export function reportProgress(
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
    // The production window's steps extend the run past the study's.
    totalSteps: ctx.plan.totalSteps + (n === PRODUCTION_ITERATION ? seeds * ctx.config.training.timesteps : 0),
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
    `${n === PRODUCTION_ITERATION ? 'production model' : `iteration ${n}`}${seeds > 1 ? ` seed ${seed}` : ''}: step ${step} of ${state.timesteps}, ${state.stepsPerSecond.toFixed(0)} steps/s`,
  );
  ctx.onProgress?.(state);
}
