import { loadPriceSeries } from '../../src/data/load-series.js';
import type { ResolvedParams } from '../../src/data/synthetic/index.js';

/**
 * The oracle of `wfo synth` written out here, apart from src/markets/oracle.ts, for the tests to check the sidecar
 * against: at each close t >= 1 the expected next log return of the known process; when it clears the band take its
 * sign, else hold; earn position x the next bar's simple return, less the cost rate per unit of position change.
 * `own` is the process's own log return of each row: the close's for a symbol without a common factor (the default),
 * the close's less the factor's with one.
 */
export function oracleReturns(
  close: Float64Array,
  regime: Float64Array | undefined,
  p: ResolvedParams,
  costRate: number,
  own: ArrayLike<number> = close.map((c, t) => (t === 0 ? NaN : Math.log(c / close[t - 1]))),
): number[] {
  const out: number[] = [];
  let position = 0;
  for (let t = 1; t < close.length - 1; t++) {
    const r = own[t];
    const expected =
      p.kind === 'ar1'
        ? p.drift + p.phi * (r - p.drift)
        : p.kind === 'regime'
          ? (1 - 2 * p.switchProb) * regime![t] * p.phi * r
          : (Math.log(p.meanPrice) - Math.log(close[t])) * (1 - Math.exp(-p.theta / 252));
    const next = Math.abs(expected) > costRate ? Math.sign(expected) : position;
    out.push(next * (close[t + 1] / close[t] - 1) - costRate * Math.abs(next - position));
    position = next;
  }
  return out;
}

/** Buy-and-hold on the oracle's bars: long from the first decision (one entry cost), then each bar's simple return. */
export function holdReturns(close: Float64Array, costRate: number): number[] {
  const out: number[] = [];
  for (let t = 1; t < close.length - 1; t++) out.push(close[t + 1] / close[t] - 1 - (t === 1 ? costRate : 0));
  return out;
}

/** mean / sd (n - 1) x sqrt(252), the Sharpe of the metrics with no risk-free rate. */
export function sharpe(r: number[]): number {
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
  return (mean / sd) * Math.sqrt(252);
}

/** The compounded return of per-bar returns. */
export const totalReturn = (r: number[]) => r.reduce((wealth, x) => wealth * (1 + x), 1) - 1;

/** The mean of the series bar by bar: the equal-weight panel. */
export const barMeans = (series: number[][]) => series[0].map((_, t) => series.reduce((sum, r) => sum + r[t], 0) / series.length);

/** One symbol of a panel file, as the loader reads it. */
export const loadSymbol = (path: string, symbol: string) =>
  loadPriceSeries({ path, priceColumn: 'close', dateColumn: 'date', fillMissing: 'none', symbol });
