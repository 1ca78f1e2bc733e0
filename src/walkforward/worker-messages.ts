import type { ModelMetadata } from '../store/model-zip.js';
import type { PipelineConfig } from '../config/schema.js';
import type { LogRecord } from '../logging/logger.js';
import type { IndexEntry } from '../records/schemas.js';
import type { ChartJob } from '../report/chart-jobs.js';
import type { IterationOutcome } from './run-iteration.js';
import type { ProgressState } from './progress.js';
import type { SavePlan } from '../plan/save-plan.js';

/** What a worker needs at start to load the experiment's data while the main thread prepares the run. */
export interface WorkerData {
  experiment: string;
  config: PipelineConfig;
}

/** The rest of the run context, sent once the main thread owns the experiment. */
export interface WorkerSetup {
  seed: number;
  configHash: string;
  metadata: Omit<ModelMetadata, 'kind' | 'iteration' | 'step' | 'metrics'>;
  plan: SavePlan;
  runId: string;
  logLevel: string;
  /** Whether the run draws plots. */
  charts: boolean;
}

export type ToWorker =
  | { type: 'setup'; setup: WorkerSetup }
  | { type: 'run'; iteration: number; resumeFrom: string | null }
  | { type: 'chart'; job: ChartJob }
  | { type: 'ack'; id: number; error?: string }
  | { type: 'abort'; reason: string };

export interface WorkerError {
  name: string;
  message: string;
  signal?: string;
  file?: string;
  code?: string;
}

export type FromWorker =
  | { type: 'index'; id: number; op: 'add'; entries: IndexEntry[] }
  | { type: 'index'; id: number; op: 'remove'; paths: string[] }
  | { type: 'index'; id: number; op: 'removeUnder'; prefix: string }
  | { type: 'log'; record: LogRecord }
  | { type: 'progress'; state: ProgressState }
  | { type: 'done'; iteration: number; outcome: IterationOutcome }
  | { type: 'chart-request'; job: ChartJob }
  | { type: 'chart-done'; file: string }
  | { type: 'error'; error: WorkerError };
