import { availableParallelism } from 'node:os';
import type { PipelineConfig } from '../../config/schema.js';
import type { ExperimentPlan } from '../../plan/plan.js';
import { coverageLines } from '../../plan/window-coverage.js';

/** Steps per second of a whole run (training, evaluation, saves), measured: the default run, 150,000 steps in ~30 s on 2 cores. */
const ROUGH_STEPS_PER_SECOND = 5000;
const DAY_SECONDS = 86_400;

/**
 * Warnings about the plan before any work: a run that would take days, more worker threads than cores, windows that
 * leave an instrument out or fill bars of the traded one.
 */
export function planWarnings(
  config: PipelineConfig,
  { windows, coverage }: Pick<ExperimentPlan, 'windows' | 'coverage'>,
  workers = 1,
  cores = availableParallelism(),
): string[] {
  const out: string[] = coverageLines(coverage);
  const steps = config.training.timesteps * windows.length;
  const seconds = steps / ROUGH_STEPS_PER_SECOND / Math.max(1, Math.min(workers, cores));
  if (seconds > DAY_SECONDS) {
    out.push(
      `training.timesteps ${config.training.timesteps} x ${windows.length} iterations = ${steps.toExponential(2)} steps: ` +
        `about ${(seconds / DAY_SECONDS).toFixed(seconds > 10 * DAY_SECONDS ? 0 : 1)} days at a rough ${ROUGH_STEPS_PER_SECOND} steps/s; lower training.timesteps or windows.maxIterations if that is not meant`,
    );
  }
  if (workers > cores) out.push(`--workers ${workers} is more than the ${cores} cores of this machine; the extra threads only compete for them`);
  return out;
}
