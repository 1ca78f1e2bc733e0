import { sqlFeatures } from '../data/feature-specs.js';
import { loadPriceSeries } from '../data/load-series.js';
import type { PriceSeries } from '../data/price-series.js';
import { DataError } from '../errors/index.js';
import type { PipelineConfig } from '../config/schema.js';
import { featureWarmup } from '../config/rules.js';
import { buildWindows, rowsPerWindow, type Window } from '../windows/build-windows.js';

export interface ExperimentPlan {
  series: PriceSeries;
  windows: Window[];
}

/** Loads the data and lays the windows; too little data for one window is a DataError saying how much is needed. */
export async function planExperiment(config: PipelineConfig): Promise<ExperimentPlan> {
  const series = await loadPriceSeries({ ...config.data, features: sqlFeatures(config.features) });
  const windows = buildWindows(config.windows, series.rows, series.dates);
  if (windows.length === 0) {
    const needed = rowsPerWindow(config.windows);
    throw new DataError(
      config.data.path,
      `has ${series.rows} rows but one walk-forward window needs ${needed} (windows.train ${config.windows.train}` +
        ` + validation ${config.windows.validation} + test ${config.windows.test} + gaps); shorten the windows or use more data`,
    );
  }
  const warmup = featureWarmup(config);
  if (windows[0].train.end - Math.max(windows[0].train.start, warmup) < 2) {
    throw new DataError(config.data.path, `the first training segment has no bars after the ${warmup}-row feature warm-up`);
  }
  return { series, windows };
}
