import { computeMetrics, type MetricOptions } from '../../analysis/metrics.js';
import type { WindowRun, WindowTrading } from '../../training/window-trading.js';

/**
 * The record's out-of-sample section of a test run: the bars, positions and returns, the benchmark's returns, and for
 * a panel each instrument's, with its metrics and its contribution (weight times return summed over the bars).
 */
export function outOfSample(run: WindowRun, trading: WindowTrading, metricOptions: MetricOptions) {
  const base = {
    rows: Array.from(run.rows),
    positions: Array.from(run.positions),
    returns: Array.from(run.returns),
    marketReturns: trading.marketReturns(run),
  };
  if (!run.panel) return base;
  const { symbols, weights, positions, returns, marketReturns } = run.panel;
  const n = symbols.length;
  const column = (values: Float64Array, k: number) => Float64Array.from(run.rows, (_, i) => values[i * n + k]);
  return {
    ...base,
    panel: {
      symbols,
      weights,
      positions: Array.from(positions),
      returns: Array.from(returns),
      marketReturns: Array.from(marketReturns),
      contributions: symbols.map((_, k) => weights[k] * column(returns, k).reduce((a, r) => a + r, 0)),
      metrics: symbols.map((_, k) => computeMetrics(column(returns, k), column(positions, k), metricOptions)),
    },
  };
}
