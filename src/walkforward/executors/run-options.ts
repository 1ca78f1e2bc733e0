import { availableParallelism } from 'node:os';
import { UsageError } from '../../errors/index.js';
import { clip } from '../../errors/index.js';
import { checkExperimentId } from '../../store/layout.js';

/** Worker threads asked for: a number, or 'auto' for one per core, at most one per iteration. */
export type WorkerCount = number | 'auto';

/** The checks of a run's options that need no file: the library makes them, and the CLI before it starts workers. */
export function checkRunOptions(options: { experiment: string; workers?: WorkerCount; fresh?: boolean; resumeFrom?: string }): void {
  checkExperimentId(options.experiment);
  const workers = options.workers ?? 1;
  if (workers !== 'auto' && (!Number.isInteger(workers) || workers < 1)) {
    throw new UsageError(`--workers: got ${workers}; expected a whole number >= 1 or 'auto'`);
  }
  if (options.fresh && options.resumeFrom) throw new UsageError('--fresh and --resume contradict each other; choose one');
}

/** Reads --workers: 'auto' or a whole number >= 1 (anything else is a UsageError naming what was given). */
export function parseWorkers(value: unknown): WorkerCount {
  const text = String(value).trim();
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (text === '' || !Number.isInteger(n) || n < 1) throw new UsageError(`--workers: got ${clip(text)}; expected a whole number >= 1 or 'auto'`);
  return n;
}

/**
 * The worker threads a run uses. 'auto' is one per core (os.availableParallelism()) and at most one per iteration,
 * and 1 when training.warmStart chains the iterations; a number is taken as given (the caller caps it).
 */
export function resolveWorkers(requested: WorkerCount, iterations: number, warmStart: boolean, cores = availableParallelism()): number {
  if (requested !== 'auto') return requested;
  return warmStart ? 1 : Math.max(1, Math.min(cores, iterations));
}
