import type { Statistic } from '../records/index.js';

export interface Description {
  count: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  median: number | null;
  max: number | null;
}

/** Count, mean, sample std (ddof 1), min, median and max of the finite values. */
export function describe(values: Array<number | null>): Description {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return { count: 0, mean: null, std: null, min: null, median: null, max: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  const median = n % 2 ? xs[(n - 1) / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
  return { count: n, mean, std, min: xs[0], median, max: xs[n - 1] };
}

/** Least-squares slope of y over x, using pairs where both are finite. */
export function slope(xs: number[], ys: Array<number | null>): Statistic {
  const pairs = pairsOf(xs, ys);
  if (pairs.length < 2) return { value: null, reason: 'needs at least 2 iterations with a value' };
  const mx = pairs.reduce((a, [x]) => a + x, 0) / pairs.length;
  const my = pairs.reduce((a, [, y]) => a + y, 0) / pairs.length;
  const sxx = pairs.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = pairs.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  return { value: sxy / sxx, reason: null };
}

/** Pearson correlation of the pairs where both values are finite. */
export function correlation(xs: Array<number | null>, ys: Array<number | null>): Statistic {
  const pairs = pairsOf(xs, ys);
  if (pairs.length < 3) return { value: null, reason: 'needs at least 3 iterations with both values' };
  const mx = pairs.reduce((a, [x]) => a + x, 0) / pairs.length;
  const my = pairs.reduce((a, [, y]) => a + y, 0) / pairs.length;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const [x, y] of pairs) {
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
    sxy += (x - mx) * (y - my);
  }
  if (sxx === 0 || syy === 0) return { value: null, reason: 'one of the series is constant' };
  return { value: sxy / Math.sqrt(sxx * syy), reason: null };
}

/** t-statistic of the mean of a return series against zero: mean / (std / sqrt(n)). */
export function tStatistic(returns: ArrayLike<number>): Statistic {
  const d = describe(Array.from(returns));
  if (d.count < 2 || !d.std) return { value: null, reason: d.count < 2 ? 'needs at least 2 bars' : 'zero volatility' };
  return { value: (d.mean as number) / (d.std / Math.sqrt(d.count)), reason: null };
}

function pairsOf(xs: Array<number | null>, ys: Array<number | null>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  xs.forEach((x, i) => {
    const y = ys[i];
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y)) out.push([x, y]);
  });
  return out;
}
