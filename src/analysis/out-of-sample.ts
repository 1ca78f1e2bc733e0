import { computeMetrics, type MetricOptions, type Metrics } from './metrics.js';
import { tStatistic } from './statistics.js';
import type { IterationRecord, ModelRecord, Statistic } from '../records/index.js';

/** One out-of-sample bar of the stitched strategy. */
export interface StitchedBar {
  iteration: number;
  row: number;
  position: number;
  strategyReturn: number;
  buyAndHoldReturn: number;
}

export interface Stitched {
  bars: StitchedBar[];
  strategy: Metrics;
  buyAndHold: Metrics;
  tStatistic: Statistic;
}

/**
 * Joins the test segments in iteration order into one out-of-sample series. A bar already covered by an earlier
 * segment (step < test) is taken from the earlier one only. Buy-and-hold is long over the same bars and pays
 * the entry cost once, on its first bar.
 */
export function stitchOutOfSample(records: IterationRecord[], entryCost: number, options: MetricOptions): Stitched {
  const bars: StitchedBar[] = stitchedBars(records).map(({ record, i }, at) => {
    const oos = record.outOfSample;
    return {
      iteration: record.iteration,
      row: oos.rows[i],
      position: oos.positions[i],
      strategyReturn: oos.returns[i],
      buyAndHoldReturn: oos.marketReturns[i] - (at === 0 ? entryCost : 0),
    };
  });
  const strategyReturns = bars.map((b) => b.strategyReturn);
  return {
    bars,
    strategy: computeMetrics(
      strategyReturns,
      bars.map((b) => b.position),
      options,
    ),
    buyAndHold: computeMetrics(
      bars.map((b) => b.buyAndHoldReturn),
      bars.map(() => 1),
      options,
    ),
    tStatistic: tStatistic(strategyReturns),
  };
}

/** The stitched bars in order, as (record, index of the bar in its outOfSample): a bar an earlier segment covered is left out. */
export function stitchedBars(records: IterationRecord[]): Array<{ record: IterationRecord; i: number }> {
  const out: Array<{ record: IterationRecord; i: number }> = [];
  let covered = -1;
  for (const record of [...records].sort((a, b) => a.iteration - b.iteration)) {
    const { rows } = record.outOfSample;
    rows.forEach((row, i) => {
      if (row > covered) out.push({ record, i });
    });
    covered = Math.max(covered, ...rows);
  }
  return out;
}

/**
 * Walk-forward efficiency over the iterations that kept a model, the same ones in numerator and denominator:
 * the annualized return of their test segments joined over the mean annualized in-sample (selection segment)
 * return. Sign-safe: undefined when the in-sample return is not positive, since a ratio of two losses would read
 * as success. Iterations without a model hold a fallback in their test segment and have no in-sample model return.
 */
export function walkForwardEfficiency(records: IterationRecord[], options: MetricOptions): Statistic {
  const kept = records.filter((r): r is ModelRecord => r.kind === 'model').sort((a, b) => a.iteration - b.iteration);
  if (kept.length === 0) return { value: null, reason: 'no iteration has a preserved model' };
  const inSample = kept.map((r) => (r.metrics.validation ?? r.metrics.train).cagr).filter((v): v is number => v !== null);
  if (inSample.length === 0) return { value: null, reason: 'no preserved model has a defined in-sample annualized return' };
  const mean = inSample.reduce((a, b) => a + b, 0) / inSample.length;
  if (!(mean > 0)) return { value: null, reason: `mean in-sample annualized return ${mean.toFixed(4)} is not positive` };
  const oos = computeMetrics(
    kept.flatMap((r) => r.outOfSample.returns),
    kept.flatMap((r) => r.outOfSample.positions),
    options,
  );
  if (oos.cagr === null) return { value: null, reason: 'out-of-sample annualized return of the kept iterations is undefined' };
  return { value: oos.cagr / mean, reason: null };
}

/** oos_returns.csv: one row per stitched out-of-sample bar with both equity curves. */
export function oosCsv(bars: StitchedBar[], dates: readonly string[] | null): string {
  const lines = ['iteration,row,date,position,strategy_return,buy_and_hold_return,strategy_equity,buy_and_hold_equity'];
  let strategy = 1;
  let hold = 1;
  for (const b of bars) {
    strategy *= 1 + b.strategyReturn;
    hold *= 1 + b.buyAndHoldReturn;
    lines.push([b.iteration, b.row, dates?.[b.row] ?? '', b.position, b.strategyReturn, b.buyAndHoldReturn, strategy, hold].join(','));
  }
  return lines.join('\n') + '\n';
}
