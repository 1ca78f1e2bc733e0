import { normalTwoSidedPValue, studentTTwoSidedPValue } from './distributions.js';
import { returnMoments } from './moments.js';

export interface MeanSignificance {
  bars: number;
  mean: number | null;
  /** Bartlett lags L used. */
  lags: number;
  /** Newey-West t = mean / sqrt(LRV / T). */
  neweyWestT: number | null;
  neweyWestStdError: number | null;
  /** Two-sided, Student t with T - 1 degrees of freedom. */
  neweyWestPValue: number | null;
  /** Two-sided, standard normal (the asymptotic law of the HAC statistic). */
  neweyWestPValueNormal: number | null;
  /** Plain t = mean / (std / sqrt(T)), std with ddof 1. */
  iidT: number | null;
  /** Two-sided, Student t with T - 1 degrees of freedom. */
  iidPValue: number | null;
  iidPValueNormal: number | null;
  reason: string | null;
}

export interface NeweyWestOptions {
  /** Bartlett lags; neweyWestLags(T) by default. */
  lags?: number;
}

/**
 * The usual automatic lag rule, L = floor(4 (T / 100)^(2/9)) (Newey & West 1994, "Automatic Lag Selection in
 * Covariance Matrix Estimation", the Bartlett kernel's rate T^(2/9) with constant 4), capped at T - 1.
 */
export function neweyWestLags(bars: number): number {
  if (bars < 2) return 0;
  return Math.min(bars - 1, Math.floor(4 * (bars / 100) ** (2 / 9)));
}

/**
 * Is the mean per-bar return different from zero? The Newey-West (1987, Econometrica 55(3)) HAC t-statistic of
 * the mean, with the Bartlett kernel:
 *   LRV = g0 + 2 sum_{l=1..L} (1 - l / (L + 1)) g_l,   g_l = sum_{t=l+1..T} (r_t - mean)(r_{t-l} - mean) / T
 *   t_NW = mean / sqrt(LRV / T)
 * (autocovariances divided by T, no small-sample correction; with L = 0 this is the iid t with a ddof-0 std).
 * The Student t p-value (T - 1 degrees of freedom) is the slightly conservative reading for short series; the
 * normal one is the asymptotic law. Both are reported, as they are for the plain iid t-statistic.
 */
export function meanSignificance(returns: ArrayLike<number>, options: NeweyWestOptions = {}): MeanSignificance {
  const n = returns.length;
  const lags = options.lags ?? neweyWestLags(n);
  if (!Number.isInteger(lags) || lags < 0) throw new RangeError(`lags must be a non-negative integer, got ${lags}`);
  const none = {
    bars: n,
    lags,
    neweyWestT: null,
    neweyWestStdError: null,
    neweyWestPValue: null,
    neweyWestPValueNormal: null,
    iidT: null,
    iidPValue: null,
    iidPValueNormal: null,
  };
  const m = returnMoments(returns);
  if (m.mean === null || m.std === null || m.std === 0) return { ...none, mean: m.mean, reason: m.reason };
  if (lags >= n) throw new RangeError(`lags (${lags}) must be below the bar count (${n})`);
  const mean = m.mean;
  const centred = new Float64Array(n);
  for (let i = 0; i < n; i++) centred[i] = returns[i] - mean;
  let lrv = autocovariance(centred, 0);
  for (let l = 1; l <= lags; l++) lrv += 2 * (1 - l / (lags + 1)) * autocovariance(centred, l);
  const iidT = mean / (m.std / Math.sqrt(n));
  const iid = { iidT, iidPValue: studentTTwoSidedPValue(iidT, n - 1), iidPValueNormal: normalTwoSidedPValue(iidT) };
  if (!(lrv > 0)) return { ...none, ...iid, mean, reason: 'the long-run variance estimate is zero' };
  const neweyWestStdError = Math.sqrt(lrv / n);
  const neweyWestT = mean / neweyWestStdError;
  return {
    bars: n,
    mean,
    lags,
    neweyWestT,
    neweyWestStdError,
    neweyWestPValue: studentTTwoSidedPValue(neweyWestT, n - 1),
    neweyWestPValueNormal: normalTwoSidedPValue(neweyWestT),
    ...iid,
    reason: null,
  };
}

/** sum_{t >= lag} x_t x_{t - lag} / T of an already centred series. */
function autocovariance(centred: Float64Array, lag: number): number {
  let s = 0;
  for (let t = lag; t < centred.length; t++) s += centred[t] * centred[t - lag];
  return s / centred.length;
}
