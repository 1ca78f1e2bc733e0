/** A T x N matrix of per-bar returns: N candidates side by side over the same T bars. */
export interface ReturnMatrix {
  bars: number;
  candidates: number;
  /** Row-major: data[t * candidates + n] is candidate n's return in bar t. */
  data: Float64Array;
}

/** The matrix whose column n is `columns[n]`; every column must have the same length and finite values. */
export function matrixFromColumns(columns: ReadonlyArray<ArrayLike<number>>): ReturnMatrix {
  const candidates = columns.length;
  const bars = candidates ? columns[0].length : 0;
  const data = new Float64Array(bars * candidates);
  columns.forEach((column, n) => {
    if (column.length !== bars) throw new RangeError(`candidate ${n} has ${column.length} bars, candidate 0 has ${bars}`);
    for (let t = 0; t < bars; t++) {
      if (!Number.isFinite(column[t])) throw new RangeError(`candidate ${n} has a non-finite return at bar ${t}`);
      data[t * candidates + n] = column[t];
    }
  });
  return { bars, candidates, data };
}

/** All k-subsets of 0..n-1 as ascending index arrays, in lexicographic order (as Python's itertools.combinations). */
export function* combinations(n: number, k: number): Generator<number[]> {
  if (k < 0 || k > n) return;
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield idx.slice();
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

/** n choose k, exact for the sizes used here (C(16, 8) = 12870). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let out = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) out = (out * (n - Math.min(k, n - k) + i)) / i;
  return Math.round(out);
}
