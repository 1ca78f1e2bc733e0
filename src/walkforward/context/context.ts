import type { MetricOptions } from '../../analysis/metrics.js';
import type { StateParts } from '../../agent/state.js';
import type { ModelMetadata } from '../../store/model-zip.js';
import type { ExperimentStore } from '../../store/experiment-store.js';
import type { PipelineConfig } from '../../config/schema.js';
import type { FeatureSet } from '../../data/features.js';
import type { PriceSeries } from '../../data/price-series.js';
import type { Trace } from '../../logging/trace.js';
import type { Logger } from '../../logging/logger.js';
import type { SavePlan } from '../../plan/save-plan.js';
import type { ProgressListener } from './progress.js';
import type { Window } from '../../windows/build-windows.js';

/** What every stage of one walk-forward run shares. */
export interface RunContext {
  experiment: string;
  config: PipelineConfig;
  /** The experiment's files: layout, index and every write. */
  store: ExperimentStore;
  series: PriceSeries;
  features: FeatureSet;
  windows: Window[];
  seed: number;
  configHash: string;
  metadata: Omit<ModelMetadata, 'kind' | 'iteration' | 'step' | 'metrics'>;
  metricOptions: MetricOptions;
  /** Experiment-wide moments for training checkpoints, plots and progress reports. */
  plan: SavePlan;
  logger: Logger;
  onProgress?: ProgressListener;
  trace: Trace;
  signal?: AbortSignal;
  /** An explicit training checkpoint to continue from (--resume), already verified; used once. */
  resumeFrom?: { file: string; iteration: number; state: StateParts };
}
