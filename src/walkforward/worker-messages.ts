import type { ModelMetadata } from '../checkpoint/model-zip.js';
import type { PipelineConfig } from '../config/schema.js';
import type { LogRecord } from '../logging/logger.js';
import type { IndexEntry } from '../records/schemas.js';
import type { IterationOutcome } from './run-iteration.js';
import type { ProgressState } from './progress.js';
import type { SavePlan } from './save-plan.js';

/** Everything a worker needs to rebuild the run context of an experiment. */
export interface WorkerSetup {
  experiment: string;
  config: PipelineConfig;
  seed: number;
  configHash: string;
  metadata: Omit<ModelMetadata, 'kind' | 'iteration' | 'step' | 'metrics'>;
  plan: SavePlan;
  runId: string;
  logLevel: string;
  charts: boolean;
}

export type ToWorker =
  | { type: 'run'; iteration: number; resumeFrom: string | null }
  | { type: 'ack'; id: number; error?: string }
  | { type: 'abort'; reason: string };

export type FromWorker =
  | { type: 'index'; id: number; op: 'add'; entries: IndexEntry[] }
  | { type: 'index'; id: number; op: 'remove'; paths: string[] }
  | { type: 'index'; id: number; op: 'removeUnder'; prefix: string }
  | { type: 'log'; record: LogRecord }
  | { type: 'progress'; state: ProgressState }
  | { type: 'done'; iteration: number; outcome: IterationOutcome }
  | { type: 'error'; iteration: number; error: { name: string; message: string; signal?: string; file?: string; code?: string } };
