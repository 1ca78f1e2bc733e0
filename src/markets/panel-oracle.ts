import { computeMetrics, type Metrics } from '../analysis/metrics.js';
import type { EnvSettings } from '../env/trading-env.js';
import { ownForecast, type SyntheticPanel } from '../data/synthetic/index.js';
import { oracleSharpe, type OracleOptions } from './oracle.js';

/** What the panel's figure means. */
export const PANEL_ORACLE_RULE =
  "equal weight: each bar's return is the mean of the symbols' oracle returns after costs (each oracle trades its own symbol, as the one-series oracle does)";
/** What the panel's buy-and-hold means. */
export const PANEL_BUY_AND_HOLD_RULE =
  "equal weight: each bar's return is the mean of the symbols' buy-and-hold returns (weights held at 1/N, each symbol bought once at the cost)";

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
  /** The equal-weight buy-and-hold of the symbols, on the same bars. */
  panelBuyAndHold: Metrics;
}

/** Sums per-bar series as they come and gives their mean. */
class BarMeans {
  private sums: Float64Array[] = [];
  private count = 0;

  add(...series: Float64Array[]): void {
    if (!this.count) this.sums = series.map((s) => new Float64Array(s.length));
    series.forEach((s, k) => s.forEach((x, i) => (this.sums[k][i] += x)));
    this.count++;
  }

  means(): Float64Array[] {
    return this.sums.map((sum) => sum.map((x) => x / this.count));
  }
}

/**
 * The oracle of every symbol of a panel (oracleSharpe on its close and known process) and of the equal-weight panel of
 * them, beside the equal-weight buy-and-hold. With a common factor, each oracle trades the close (factor included) on
 * its own process's expected return (ownForecast): the factor has mean 0 and forecasts nothing. The per-bar returns are
 * summed as they come, so one symbol's run is held at a time.
 */
export function panelOracles(
  panel: SyntheticPanel,
  env: EnvSettings,
  options: Omit<OracleOptions, 'periodsPerYear' | 'forecast'> = {},
): PanelOracles {
  const periodsPerYear = panel.symbols[0].series.periodsPerYear;
  const oracles = new BarMeans();
  const holds = new BarMeans();
  let band = NaN;
  const symbols: SymbolOracle[] = [];
  for (const { symbol, series, close } of panel.symbols) {
    const forecast = panel.factor.returns ? ownForecast(series) : undefined;
    const market = { price: close, regime: series.regime };
    const {
      run,
      metrics,
      buyAndHold,
      buyAndHoldRun,
      band: used,
    } = oracleSharpe(market, series.params, env, { ...options, periodsPerYear, forecast });
    oracles.add(run.returns, run.positions);
    holds.add(buyAndHoldRun.returns, buyAndHoldRun.positions);
    band = used;
    symbols.push({ symbol, oracle: metrics, buyAndHold });
  }
  const metricOptions = { periodsPerYear, riskFreeRate: options.riskFreeRate ?? 0 };
  const [meanReturns, meanPositions] = oracles.means();
  const [holdReturns, holdPositions] = holds.means();
  return {
    band,
    symbols,
    panel: computeMetrics(meanReturns, meanPositions, metricOptions),
    panelBuyAndHold: computeMetrics(holdReturns, holdPositions, metricOptions),
  };
}
