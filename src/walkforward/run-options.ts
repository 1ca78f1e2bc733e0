import { UsageError } from '../errors/index.js';
import { checkExperimentId } from '../store/layout.js';

/** The checks of a run's options that need no file: the library makes them, and the CLI before it starts workers. */
export function checkRunOptions(options: { experiment: string; workers?: number; fresh?: boolean; resumeFrom?: string }): void {
  checkExperimentId(options.experiment);
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers: got ${workers}; expected a whole number >= 1`);
  if (options.fresh && options.resumeFrom) throw new UsageError('--fresh and --resume contradict each other; choose one');
}
