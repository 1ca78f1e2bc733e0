/**
 * The factor that puts rewards in units of the training segment's volatility: 1 / standard deviation of the finite
 * log returns of rows [start, end) (a series' first return is undefined). 1 when they have no spread.
 *
 * Per-bar rewards are log returns of order 1e-2 and the edge between actions of order 1e-3, below the noise of a
 * fresh network's Q-values; dividing by the volatility puts them near unit scale. A fixed scale from the training
 * rows (never validation or test) keeps resumes exact with no running statistics to save.
 */
export function volatilityRewardScale(logReturns: ArrayLike<number>, start: number, end: number): number {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = start; i < end; i++) {
    const r = logReturns[i];
    if (!Number.isFinite(r)) continue;
    n++;
    sum += r;
    sumSq += r * r;
  }
  if (n < 2) return 1;
  const variance = (sumSq - (sum * sum) / n) / (n - 1);
  return variance > 0 ? 1 / Math.sqrt(variance) : 1;
}
