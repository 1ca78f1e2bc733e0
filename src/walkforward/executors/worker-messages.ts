import type { PipelineConfig } from '../../config/schema.js';
import type { LogRecord } from '../../logging/logger.js';
import type { ChartJob } from '../../report/chart-jobs.js';
import type { IterationOutcome } from '../selection/index.js';
import type { ProgressState } from '../context/index.js';
import type { WireError } from '../../errors/index.js';
import type { RunSetup } from '../context/index.js';
import type { IndexOp } from '../../store/index-store.js';

/** What a worker needs at start to load the experiment's data while the main thread prepares the run. */
export interface WorkerData {
  experiment: string;
  config: PipelineConfig;
  /** The training kernel, compiled once on the main thread. */
  kernel?: WebAssembly.Module;
}

export type ToWorker =
  | { type: 'setup'; setup: RunSetup }
  | { type: 'run'; iteration: number; resumeFrom: string | null }
  | { type: 'chart'; job: ChartJob }
  | { type: 'ack'; id: number; error?: WireError }
  | { type: 'abort'; reason: string };

export type FromWorker =
  | { type: 'loaded' }
  | ({ type: 'index'; id: number } & IndexOp)
  | { type: 'log'; record: LogRecord }
  | { type: 'progress'; state: ProgressState }
  | { type: 'done'; iteration: number; outcome: IterationOutcome }
  | { type: 'chart-request'; job: ChartJob }
  | { type: 'chart-done'; file: string }
  | { type: 'error'; error: WireError };
