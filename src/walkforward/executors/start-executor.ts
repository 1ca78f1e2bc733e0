import { kernelModule } from '../../agent/kernel/mlp-kernel.js';
import type { PipelineConfig } from '../../config/schema.js';
import { InlineExecutor, type IterationExecutor } from './executor.js';
import { resolveWorkers, type WorkerCount } from './run-options.js';
import { WorkerPool } from './worker-pool.js';

export interface ExecutorChoice {
  executor: IterationExecutor;
  /** Why fewer workers run than were asked for, when that is worth a warning. */
  warning: string | null;
  /** The worker threads the run uses (1: the calling thread). */
  workers: number;
}

/**
 * Worker threads for a run when more than one is asked for (or 'auto' finds more than one core) and the iterations
 * are independent (a warm start chains them); the calling thread otherwise. Start them as early as possible: they
 * load the code and data while the caller loads its own and takes the experiment's lock.
 */
export function startExecutor(config: PipelineConfig, experiment: string, requested: WorkerCount, iterations: number): ExecutorChoice {
  if (requested !== 'auto' && requested > 1 && config.training.warmStart) {
    return {
      executor: new InlineExecutor(),
      warning: 'training.warmStart makes each iteration start from the previous one, so iterations run one at a time',
      workers: 1,
    };
  }
  const workers = Math.min(resolveWorkers(requested, iterations, config.training.warmStart), Math.max(1, iterations));
  if (workers <= 1) return { executor: new InlineExecutor(), warning: null, workers: 1 };
  return { executor: new WorkerPool(workers, { experiment, config, kernel: kernelModule() }), warning: null, workers };
}
