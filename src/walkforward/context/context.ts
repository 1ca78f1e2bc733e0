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

/** What a panel run trades: each instrument's features, and the instruments each window holds whole. */
export interface PanelData {
  symbols: string[];
  featureSets: FeatureSet[];
  /** Per window (by iteration), the symbols of its universe. */
  universes: Map<number, string[]>;
}

/** What every stage of one walk-forward run shares. */
export interface RunContext {
  experiment: string;
  config: PipelineConfig;
  /** The experiment's files: layout, index and every write. */
  store: ExperimentStore;
  series: PriceSeries;
  /** The features of a one-instrument run; of a panel run, its first instrument's (their names are every instrument's). */
  features: FeatureSet;
  /** A panel run: every instrument's features (in series.symbols order) and each window's universe; null for one instrument. */
  panel: PanelData | null;
  windows: Window[];
  /** The production window (ending at the last bar), trained after the study; null when production.enabled is off. */
  production: Window | null;
  /** Why the newest window cannot be traded though production.enabled is on (null: it can, or production is off). */
  productionSkipped: string | null;
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
