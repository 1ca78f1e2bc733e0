import type { StepContext, TrainCallback } from './train-loop.js';

/**
 * Small callback factories, each doing one thing (Stable-Baselines3's BaseCallback family). A moment-callback runs
 * every `every` steps, counted experiment-wide from `offset` (the steps of the iterations before), and after the
 * last step, like SB3's EveryNTimesteps.
 */
export function everyNTimesteps(every: number, offset: number, onMoment: (ctx: StepContext) => Promise<unknown> | unknown): TrainCallback {
  return { every, offset, onMoment: async (ctx) => void (await onMoment(ctx)) };
}

/** Stops training at the next step once the signal is aborted. */
export function stopOnAbort(signal: AbortSignal | undefined): TrainCallback {
  return { onStep: () => !signal?.aborted };
}

/** Calls `report` once, at the first step this process trains (how long a resume took to get going). */
export function onFirstStep(report: () => void): TrainCallback {
  let done = false;
  return {
    onStep: () => {
      if (done) return;
      done = true;
      report();
    },
  };
}

/** Runs `onLast` after the final step only. */
export function atEnd(timesteps: number, onLast: (ctx: StepContext) => Promise<unknown> | unknown): TrainCallback {
  return { onMoment: async (ctx) => void (ctx.step < timesteps ? undefined : await onLast(ctx)) };
}
