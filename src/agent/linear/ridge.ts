/**
 * Ridge regression from its normal equations: solves (G + lambda * P) w = b by Cholesky, where G is the d x d Gram
 * matrix X'X (row-major), b is X'y and P penalises every coefficient but the one at `unpenalized` (the constant).
 * A jitter proportional to G's scale keeps a singular G (a column that never varies) solvable.
 */
export function solveRidge(gram: ArrayLike<number>, xty: ArrayLike<number>, lambda: number, unpenalized: number): Float64Array {
  const d = xty.length;
  let trace = 0;
  for (let i = 0; i < d; i++) trace += gram[i * d + i];
  const jitter = 1e-10 * (trace / d || 1);
  const a = Float64Array.from(gram);
  for (let i = 0; i < d; i++) a[i * d + i] += jitter + (i === unpenalized ? 0 : lambda);
  // In place: the lower triangle of a becomes L with a = L L'.
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j];
    for (let k = 0; k < j; k++) diag -= a[j * d + k] * a[j * d + k];
    const ljj = Math.sqrt(Math.max(diag, jitter));
    a[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = s / ljj;
    }
  }
  const w = Float64Array.from(xty);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < i; k++) w[i] -= a[i * d + k] * w[k];
    w[i] /= a[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    for (let k = i + 1; k < d; k++) w[i] -= a[k * d + i] * w[k];
    w[i] /= a[i * d + i];
  }
  return w;
}
