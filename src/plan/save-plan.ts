import type { PipelineConfig } from '../config/schema.js';

export interface SavePlan {
  /** Steps of the whole experiment: iterations x training.seeds x training.timesteps. */
  totalSteps: number;
  /** Steps between training checkpoints within an iteration. */
  modelEvery: number;
  imageEvery: number;
  progressEvery: number;
}

/** Minimum spacing (steps): a plot costs about 0.1 s to draw, a checkpoint a few ms, a progress line nothing. */
const MIN_SPACING = { model: 100, image: 500, progress: 50 };

/**
 * Evenly spaced save moments over the whole experiment: about saving.nModelSaves training checkpoints,
 * saving.nImageSaves plot refreshes and saving.nProgressUpdates progress lines, each at least a minimum apart.
 * Checkpoints and progress count every seed's steps (see stepsBefore); plots are drawn of seed 0 only, so their
 * moments are spread over seed 0's steps (iterations x timesteps), as report/chart-jobs.ts redraws them.
 */
export function savePlan(config: PipelineConfig, iterations: number): SavePlan {
  const perSeed = config.training.timesteps * iterations;
  const totalSteps = perSeed * config.training.seeds;
  const every = (steps: number, count: number, min: number) => Math.max(min, Math.round(steps / Math.max(1, count)));
  return {
    totalSteps,
    modelEvery: every(totalSteps, config.saving.nModelSaves, MIN_SPACING.model),
    imageEvery: every(perSeed, config.saving.nImageSaves, MIN_SPACING.image),
    progressEvery: every(totalSteps, config.saving.nProgressUpdates, MIN_SPACING.progress),
  };
}

/**
 * Steps of the experiment before step 0 of one seed's agent of iteration n: the iterations before it and, inside
 * it, the seeds before it (seeds train one after another). With one seed: (n - 1) x timesteps.
 */
export function stepsBefore(config: Pick<PipelineConfig, 'training'>, n: number, seed: number): number {
  const { timesteps, seeds } = config.training;
  return ((n - 1) * seeds + seed) * timesteps;
}
