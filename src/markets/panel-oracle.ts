import { computeMetrics, type Metrics } from '../analysis/metrics.js';
import type { EnvSettings } from '../env/trading-env.js';
import type { SyntheticPanel } from '../data/synthetic/index.js';
import { oracleSharpe, type OracleOptions } from './oracle.js';

/** What the panel's figure means. */
export const PANEL_ORACLE_RULE =
  "equal weight: each bar's return is the mean of the symbols' oracle returns after costs (each oracle trades its own symbol, as the one-series oracle does)";

export interface SymbolOracle {
  symbol: string;
  /** The symbol's oracle, with the metrics conventions of analysis/metrics.ts. */
  oracle: Metrics;
  buyAndHold: Metrics;
}

export interface PanelOracles {
  band: number;
  symbols: SymbolOracle[];
  /** The equal-weight panel of the oracles; its positions are the mean position, so only its return figures mean much. */
  panel: Metrics;
}

/**
 * The oracle of every symbol of a panel (oracleSharpe on its close and known process) and of the equal-weight panel of
 * them. The per-bar returns are summed as they come, so one symbol's run is held at a time.
 */
export function panelOracles(panel: SyntheticPanel, env: EnvSettings, options: Omit<OracleOptions, 'periodsPerYear'> = {}): PanelOracles {
  const periodsPerYear = panel.symbols[0].series.periodsPerYear;
  let sumReturns = new Float64Array(0);
  let sumPositions = new Float64Array(0);
  let band = NaN;
  const symbols: SymbolOracle[] = [];
  for (const { symbol, series } of panel.symbols) {
    const { run, metrics, buyAndHold, band: used } = oracleSharpe(series, series.params, env, { ...options, periodsPerYear });
    if (!symbols.length) {
      sumReturns = new Float64Array(run.returns.length);
      sumPositions = new Float64Array(run.positions.length);
    }
    for (let i = 0; i < sumReturns.length; i++) {
      sumReturns[i] += run.returns[i];
      sumPositions[i] += run.positions[i];
    }
    band = used;
    symbols.push({ symbol, oracle: metrics, buyAndHold });
  }
  const n = symbols.length;
  const meanReturns = sumReturns.map((x) => x / n);
  const meanPositions = sumPositions.map((x) => x / n);
  const panelMetrics = computeMetrics(meanReturns, meanPositions, { periodsPerYear, riskFreeRate: options.riskFreeRate ?? 0 });
  return { band, symbols, panel: panelMetrics };
}
