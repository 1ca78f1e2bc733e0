import type { Rng } from '../../random/rng.js';
import type { ResolvedParams } from './types.js';

/** Open, high, low and volume of each row of a generated close, from a generator of their own. */
export interface OhlcvBars {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  /** Whole numbers >= 1. */
  volume: Float64Array;
}

/** The overnight gap's sd, the reach of high and low beyond the bar's body, and volume's noise, in units of bar volatility. */
const GAP_SD = 0.25;
const WICK_SD = 0.5;
const BASE_VOLUME = 1_000_000;
const VOLUME_NOISE_SD = 0.25;
/** A move of more than this many bar volatilities does not raise volume further. */
const VOLUME_MOVE_CAP = 10;

/**
 * The sd of one bar's log return the process implies, from its parameters alone (never from the drawn data, so the
 * columns built on it stay causal): the stationary sd sigma / sqrt(1 - phi^2) for ar1 and regime, the exact one-step
 * innovation sd for ou (see ou.ts).
 */
export function barVolatility(p: ResolvedParams, periodsPerYear: number): number {
  if (p.kind !== 'ou') return p.sigma / Math.sqrt(1 - p.phi * p.phi);
  return p.sigma * Math.sqrt((1 - Math.exp((-2 * p.theta) / periodsPerYear)) / (2 * p.theta));
}

/**
 * Plausible bars around a close that is never changed: open = the previous close times a seeded gap (row 0 opens at
 * its close), high = max(open, close) and low = min(open, close) stretched by seeded wicks, volume a positive whole
 * number that grows with the size of the bar's move. Row t uses only closes up to t and the generator, so no column
 * tells anything about a later close; the draws come in a fixed order per row (gap, high, low, volume). `vol` is the sd
 * of one bar's log return from the parameters alone (barVolatility, with a panel's factor added in).
 */
export function deriveOhlcv(close: Float64Array, vol: number, rng: Rng): OhlcvBars {
  const n = close.length;
  const bars: OhlcvBars = { open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), volume: new Float64Array(n) };
  for (let t = 0; t < n; t++) {
    const gap = rng.normal();
    const open = t === 0 ? close[0] : close[t - 1] * Math.exp(GAP_SD * vol * gap);
    // exp(x >= 0) >= 1, and rounding is monotone: high >= max(open, close) and low <= min(open, close) hold exactly.
    bars.high[t] = Math.max(open, close[t]) * Math.exp(WICK_SD * vol * Math.abs(rng.normal()));
    bars.low[t] = Math.min(open, close[t]) * Math.exp(-WICK_SD * vol * Math.abs(rng.normal()));
    bars.open[t] = open;
    const move = t === 0 ? 0 : Math.min(Math.abs(Math.log(close[t] / close[t - 1])) / vol, VOLUME_MOVE_CAP);
    bars.volume[t] = Math.max(1, Math.round(BASE_VOLUME * Math.exp(VOLUME_NOISE_SD * rng.normal()) * (1 + move)));
  }
  return bars;
}
