import { featureNames, sqlFeatures } from '../data/feature-specs.js';
import { gateBuiltins, type GateReport } from '../data/lookahead-gate.js';
import { loadPriceSeries } from '../data/load-series.js';
import type { InstrumentSeries, PriceSeries } from '../data/price-series.js';
import { DataError } from '../errors/index.js';
import type { PipelineConfig } from '../config/schema.js';
import { featureWarmup } from '../config/rules.js';
import { buildWindows, productionWindow, rowsPerWindow, type Window } from '../windows/build-windows.js';
import { gateCuts } from './gate-cuts.js';
import { gatePanelBuiltins, panelCoverage } from './panel-plan.js';
import { firstValue, warmupError } from './warmup.js';
import { windowCoverage, type WindowCoverage } from './window-coverage.js';

export interface ExperimentPlan {
  series: PriceSeries;
  windows: Window[];
  /** The look-ahead gate's report: every feature passed at every cut (a leak stops the plan with a DataError). */
  gate: GateReport;
  /**
   * The instruments each window holds whole, and those it leaves out (data.align ffill); of a panel run also those
   * whose features warm up over its training bars. A panel window with no instrument stops the plan.
   */
  coverage: WindowCoverage[];
  /** The window the production model trains on (production.enabled), ending at the last bar, with its coverage. */
  production: { window: Window; coverage: WindowCoverage } | null;
  /** Why the production window cannot be traded though production.enabled is on: the study runs, and no production model follows. */
  productionSkipped?: string;
}

/** Loads the data and lays the windows; too little data for one window is a DataError saying how much is needed. */
export async function planExperiment(config: PipelineConfig): Promise<ExperimentPlan> {
  const series = await loadPriceSeries({
    ...config.data,
    features: sqlFeatures(config.features),
    gateCuts: (rows, dates) => gateCuts(config, rows, dates),
  });
  const panel = series.panel ? (series as PriceSeries & { panel: InstrumentSeries[] }) : null;
  // The SQL features passed the gate in the loader; the built-ins are cut the same way here (of a panel, per instrument).
  if (panel) gatePanelBuiltins(config, panel);
  else
    gateBuiltins(series.price, config.env, config.features, series.gateCuts, { symbol: series.symbol, dates: series.dates, path: config.data.path });
  const label = (row: number) => (series.dates ? series.dates[row] : `row ${row + 1}`);
  const gate: GateReport = { features: featureNames(config.features), cuts: series.gateCuts.map(label), verdict: 'passed' };
  const windows = buildWindows(config.windows, series.rows, series.dates);
  if (windows.length === 0) {
    const needed = rowsPerWindow(config.windows);
    throw new DataError(
      config.data.path,
      `has ${series.rows} rows but one walk-forward window needs ${needed} (windows.train ${config.windows.train}` +
        ` + validation ${config.windows.validation} + test ${config.windows.test} + gaps); shorten the windows or use more data`,
    );
  }
  const newest = config.production.enabled ? productionWindow(config.windows, series.rows, series.dates) : null;
  if (panel) {
    const coverage = panelCoverage(config, panel, windows);
    try {
      return { series, windows, gate, coverage, production: newest && { window: newest, coverage: panelCoverage(config, panel, [newest])[0] } };
    } catch (err) {
      // The newest window's own problem (its instruments, their warm-up) stops the production model, not the study.
      if (!(err instanceof DataError)) throw err;
      return { series, windows, gate, coverage, production: null, productionSkipped: err.message };
    }
  }
  // The built-ins' warm-up follows from their settings; an SQL feature's from its values (its first non-empty row).
  const warmup = Math.max(featureWarmup(config), ...Object.values(series.features).map(firstValue));
  if (windows[0].train.end - Math.max(windows[0].train.start, warmup) < 2) {
    throw warmupError(config, warmup);
  }
  const production = newest && { window: newest, coverage: windowCoverage(series, [newest])[0] };
  return { series, windows, gate, coverage: windowCoverage(series, windows), production };
}
