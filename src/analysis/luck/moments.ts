/**
 * The first four moments of a per-bar return series, with the conventions the Sharpe-ratio papers use
 * (Bailey & Lopez de Prado 2012, "The Sharpe Ratio Efficient Frontier", section 2; their code uses the same):
 * - mean = sum(r) / T
 * - std = sqrt(sum((r - mean)^2) / (T - 1))  (sample, ddof 1, as analysis/metrics.ts)
 * - skewness = m3 / m2^(3/2) and kurtosis = m4 / m2^2 with central moments m_k = sum((r - mean)^k) / T
 *   (population ratios, scipy's skew(bias=True) and kurtosis(fisher=False, bias=True)); kurtosis is NOT
 *   excess: a normal law has 3
 * - sharpe = mean / std, per bar (not annualised), against a zero benchmark: pass excess returns for another
 * Undefined values are null with the reason: fewer than 2 bars, or a series with zero variance (a std below 1e-13
 * times the largest |return|, which only rounding produces).
 */
export interface ReturnMoments {
  bars: number;
  mean: number | null;
  std: number | null;
  skewness: number | null;
  kurtosis: number | null;
  /** Per-bar Sharpe ratio, mean / std. */
  sharpe: number | null;
  reason: string | null;
}

const RESOLUTION = 1e-13;

/** The moments of `returns` under the conventions stated on ReturnMoments. */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const n = returns.length;
  const none = { bars: n, std: null, skewness: null, kurtosis: null, sharpe: null };
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(returns[i])) return { ...none, mean: null, reason: `return at bar ${i} is not a finite number` };
  }
  if (n === 0) return { ...none, mean: null, reason: 'no bars' };
  let sum = 0;
  let allEqual = true;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    sum += returns[i];
    maxAbs = Math.max(maxAbs, Math.abs(returns[i]));
    if (returns[i] !== returns[0]) allEqual = false;
  }
  const mean = allEqual ? returns[0] : sum / n;
  if (n < 2) return { ...none, mean, reason: 'needs at least 2 bars' };
  if (allEqual) return { ...none, mean, std: 0, reason: 'zero variance' };
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = Math.sqrt(m2 / (n - 1));
  // A spread this far below the values' own size is rounding (an excess series a - b of a = b + c), not risk.
  if (std <= RESOLUTION * maxAbs) return { ...none, mean, std: 0, reason: 'zero variance' };
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { bars: n, mean, std, skewness: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2), sharpe: mean / std, reason: null };
}
