import { chanceDistribution, countPositionChanges, type ChanceResult } from './luck/index.js';
import { computeMetrics, type MetricOptions, type Metrics } from './metrics.js';
import { stitchedBars } from './out-of-sample.js';
import type { Rng } from '../random/rng.js';
import type { IterationRecord } from '../records/index.js';

/** One instrument of a panel run over the stitched out-of-sample bars of the windows whose universe held it. */
export interface StitchedInstrument {
  symbol: string;
  /** Index of each of its bars among the stitched bars. */
  at: number[];
  weights: number[];
  positions: number[];
  returns: number[];
  marketReturns: number[];
}

/** Each instrument's stitched bars, in order of first appearance; null when no record is of a panel run. */
export function stitchPanel(records: IterationRecord[]): StitchedInstrument[] | null {
  const bySymbol = new Map<string, StitchedInstrument>();
  let panel = false;
  stitchedBars(records).forEach(({ record, i }, at) => {
    const detail = record.outOfSample.panel;
    if (!detail) return;
    panel = true;
    const n = detail.symbols.length;
    detail.symbols.forEach((symbol, k) => {
      let s = bySymbol.get(symbol);
      if (!s) bySymbol.set(symbol, (s = { symbol, at: [], weights: [], positions: [], returns: [], marketReturns: [] }));
      s.at.push(at);
      s.weights.push(detail.weights[k]);
      s.positions.push(detail.positions[i * n + k]);
      s.returns.push(detail.returns[i * n + k]);
      s.marketReturns.push(detail.marketReturns[i * n + k]);
    });
  });
  return panel ? [...bySymbol.values()] : null;
}

/** What each instrument brought to the stitched portfolio: its bars, metrics and contribution (sum of weight x return). */
export function instrumentSummaries(
  instruments: StitchedInstrument[],
  options: MetricOptions,
): Array<{ symbol: string; bars: number; contribution: number; metrics: Metrics }> {
  return instruments.map((s) => ({
    symbol: s.symbol,
    bars: s.at.length,
    contribution: s.returns.reduce((a, r, j) => a + s.weights[j] * r, 0),
    metrics: computeMetrics(s.returns, s.positions, options),
  }));
}

/** oos_positions.csv: one row per instrument per stitched bar, beside oos_returns.csv's portfolio rows. */
export function oosPositionsCsv(records: IterationRecord[], dates: readonly string[] | null): string {
  const lines = ['iteration,row,date,symbol,weight,position,return'];
  for (const { record, i } of stitchedBars(records)) {
    const detail = record.outOfSample.panel;
    if (!detail) continue;
    const n = detail.symbols.length;
    const row = record.outOfSample.rows[i];
    detail.symbols.forEach((symbol, k) =>
      lines.push(
        [record.iteration, row, dates?.[row] ?? '', symbol, detail.weights[k], detail.positions[i * n + k], detail.returns[i * n + k]].join(','),
      ),
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * The stitched portfolio's Sharpe among random positions: per draw, each instrument gets a random schedule over its
 * own stitched bars with its own number of position changes, and the portfolio earns on each bar the weighted sum of
 * its instruments' returns as the environment computes them (position times the instrument's return, less costs).
 */
export function panelStitchedChance(
  instruments: StitchedInstrument[],
  bars: number,
  keptSharpe: number | null,
  options: { costRate: number; allowedPositions: readonly number[]; metricOptions: MetricOptions; rng: Rng; draws: number },
): ChanceResult {
  const { costRate, metricOptions } = options;
  const evaluate = (schedules: Float64Array) => {
    const returns = new Float64Array(bars);
    let offset = 0;
    for (const s of instruments) {
      for (let j = 0; j < s.at.length; j++) {
        const p = schedules[offset + j];
        // Each window starts flat, so an instrument's first bar after a gap in its stitched bars pays its entry.
        const before = j === 0 || s.at[j - 1] !== s.at[j] - 1 ? 0 : schedules[offset + j - 1];
        returns[s.at[j]] += s.weights[j] * (p * s.marketReturns[j] - costRate * Math.abs(p - before));
      }
      offset += s.at.length;
    }
    return computeMetrics(returns, new Float64Array(bars), metricOptions).sharpe;
  };
  return chanceDistribution({
    evaluate,
    allowedPositions: options.allowedPositions,
    bars: instruments.map((s) => s.at.length),
    changes: instruments.map((s) => countPositionChanges(s.positions)),
    keptSharpe,
    rng: options.rng,
    draws: options.draws,
  });
}
