import type { PipelineConfig } from '../config/schema.js';

export interface SavePlan {
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
 */
export function savePlan(config: PipelineConfig, iterations: number): SavePlan {
  const totalSteps = config.training.timesteps * iterations;
  const every = (count: number, min: number) => Math.max(min, Math.round(totalSteps / Math.max(1, count)));
  return {
    totalSteps,
    modelEvery: every(config.saving.nModelSaves, MIN_SPACING.model),
    imageEvery: every(config.saving.nImageSaves, MIN_SPACING.image),
    progressEvery: every(config.saving.nProgressUpdates, MIN_SPACING.progress),
  };
}
