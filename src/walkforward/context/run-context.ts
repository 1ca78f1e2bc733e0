import type { MetricOptions } from '../../analysis/metrics.js';
import type { StateParts } from '../../agent/state.js';
import type { PipelineConfig } from '../../config/schema.js';
import { computeFeatures, computePanelFeatures, type FeatureSet } from '../../data/features.js';
import type { Logger } from '../../logging/logger.js';
import { createTrace } from '../../logging/trace.js';
import { planExperiment, type ExperimentPlan } from '../../plan/plan.js';
import type { SavePlan } from '../../plan/save-plan.js';
import { ExperimentStore } from '../../store/experiment-store.js';
import type { IndexWriter } from '../../store/index-store.js';
import { experimentPaths } from '../../store/layout.js';
import type { ModelMetadata } from '../../store/model-zip.js';
import type { PanelData, RunContext } from './context.js';
import { checkPanelSettings } from './panel-settings.js';
import { ConfigError } from '../../errors/index.js';
import type { ProgressListener } from './progress.js';

/** What a run decides once it owns the experiment; plain data, so worker threads (and later machines) get the same. */
export interface RunSetup {
  experiment: string;
  config: PipelineConfig;
  seed: number;
  configHash: string;
  metadata: Omit<ModelMetadata, 'kind' | 'iteration' | 'step' | 'metrics'>;
  plan: SavePlan;
  runId: string;
  logLevel: string;
  /** Whether the run draws plots. */
  charts: boolean;
}

/** The series, its windows and its features: loaded from the config alone, on whichever thread needs them. */
export interface RunData {
  plan: ExperimentPlan;
  features: FeatureSet;
  panel: PanelData | null;
}

/** The features of a plan's data: of its one instrument, or of every instrument of a panel. */
export async function loadRunData(config: PipelineConfig, planned?: ExperimentPlan): Promise<RunData> {
  const plan = planned ?? (await planExperiment(config));
  const { series } = plan;
  if (!series.panel) {
    checkPanelSettings(config, null, plan.windows);
    return { plan, features: computeFeatures(series.price, config.env, config.features, series.features), panel: null };
  }
  const featureSets = computePanelFeatures(series, config.env, config.features);
  const coverage = plan.production ? [...plan.coverage, plan.production.coverage] : plan.coverage;
  const universes = new Map(coverage.map((c) => [c.iteration, c.instruments]));
  const panel = { symbols: series.panel.map((i) => i.symbol), featureSets, universes };
  checkPanelSettings(config, panel, plan.windows);
  if (!plan.production) return { plan, features: featureSets[0], panel };
  try {
    checkPanelSettings(config, panel, [plan.production.window]);
  } catch (err) {
    // Settings the newest window cannot run stop its production model, not the study.
    if (!(err instanceof ConfigError)) throw err;
    return { plan: { ...plan, production: null, productionSkipped: err.problems.join('; ') }, features: featureSets[0], panel };
  }
  return { plan, features: featureSets[0], panel };
}

export function metricOptionsOf(config: PipelineConfig): MetricOptions {
  return { periodsPerYear: config.data.periodsPerYear, riskFreeRate: config.data.riskFreeRate };
}

/** What differs between the threads: where index changes go, where logs and progress go, and the stop signal. */
export interface RunServices {
  index: IndexWriter;
  logger: Logger;
  now: () => Date;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  resumeFrom?: { file: string; iteration: number; state: StateParts };
}

/** The one way a run context is built, on the main thread and in every worker. */
export function buildRunContext(data: RunData, setup: RunSetup, services: RunServices): RunContext {
  const { config } = setup;
  return {
    experiment: setup.experiment,
    config,
    store: new ExperimentStore(experimentPaths(config.resultsDir, setup.experiment), services.index, services.now),
    series: data.plan.series,
    features: data.features,
    panel: data.panel,
    windows: data.plan.windows,
    production: data.plan.production?.window ?? null,
    productionSkipped: data.plan.productionSkipped ?? null,
    seed: setup.seed,
    configHash: setup.configHash,
    metadata: setup.metadata,
    metricOptions: metricOptionsOf(config),
    plan: setup.plan,
    logger: services.logger,
    onProgress: services.onProgress,
    trace: createTrace(),
    signal: services.signal,
    resumeFrom: services.resumeFrom,
  };
}
