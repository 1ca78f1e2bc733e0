import { binomial, choosePartitions, combinations, matrixFromColumns, probabilityOfBacktestOverfitting } from '../../../src/analysis/luck/index.js';
import { Rng } from '../../../src/random/rng.js';
import { expectClose, reference } from './fixture.js';

// Two halves of 3 bars each (S = 2, so the combinations are "first half in sample" and "second half in sample").
// Per-half Sharpe ratios (mean / std, ddof 1):
//   A: [0.01, 0.03, 0.02] -> 2    | [-0.01, 0.00, -0.02] -> -1
//   B: [0.00, 0.02, 0.01] -> 1    | [0.01, 0.05, 0.03]   -> 1.5
const A = [0.01, 0.03, 0.02, -0.01, 0.0, -0.02];
const B = [0.0, 0.02, 0.01, 0.01, 0.05, 0.03];
const C = [-0.01, 0.0, -0.02, -0.01, 0.0, -0.02]; // -1 | -1
const small = { partitions: 2, minBarsPerPartition: 3 };

describe('probability of backtest overfitting (CSCV)', () => {
  test('hand-worked: two candidates that swap places out of sample', () => {
    // First half in sample: A (2) beats B (1); out of sample A (-1) ranks 1 of 2, w = 1/3, logit ln(1/2).
    // Second half in sample: B (1.5) beats A (-1); out of sample B (1) ranks 1 of 2 behind A (2), logit ln(1/2).
    // PBO = 2/2. Degradation through (2, -1) and (1.5, 1): slope (1 - -1) / (1.5 - 2) = -4, intercept 7.
    const out = probabilityOfBacktestOverfitting(matrixFromColumns([A, B]), small);
    expect(out.combinations).toBe(2);
    expect(out.pbo).toBe(1);
    out.logits.forEach((l) => expectClose(l, Math.log(0.5), 1e-12));
    expectClose(out.degradationSlope, -4, 1e-9);
    expectClose(out.degradationIntercept, 7, 1e-9);
    expect(out.probabilityOfOosLoss).toBe(0.5);
    expect(out).toMatchObject({ partitions: 2, barsPerPartition: 3, barsDropped: 0, reason: null });
  });

  test('a logit of exactly 0 (the selection lands on the out-of-sample median) counts as overfit', () => {
    // Candidates A, B' = B with its halves' Sharpes 1 | 2, and C (-1 | -1). In either split the in-sample
    // winner ranks 2nd of 3 out of sample: w = 2/4, logit 0, and the paper's indicator of (-inf, 0] counts it.
    const bPrime = [0.0, 0.02, 0.01, 0.01, 0.03, 0.02];
    const aPrime = [0.01, 0.03, 0.02, 0.0, 0.02, 0.01];
    const out = probabilityOfBacktestOverfitting(matrixFromColumns([aPrime, bPrime, C]), small);
    expect(out.logits.map((l) => Math.abs(l) < 1e-12)).toEqual([true, true]);
    expect(out.pbo).toBe(1);
  });

  test('ties are broken deterministically: the lowest index wins in sample, equal out-of-sample Sharpes share their average rank', () => {
    // Columns A, A, B. First half: A (index 0) wins the tie; out of sample A, A (-1, -1) sit below B (1.5):
    // ranks 1 and 2, average 1.5, w = 1.5/4, logit ln(0.6). Second half: B wins (1.5); out of sample B (1) is
    // below both A (2): rank 1, w = 1/4, logit ln(1/3).
    const want = [Math.log(0.6), Math.log(1 / 3)];
    for (const columns of [
      [A, A, B],
      [B, A, A],
      [A, B, A],
    ]) {
      const out = probabilityOfBacktestOverfitting(matrixFromColumns(columns), small);
      out.logits.forEach((l, i) => expectClose(l, want[i], 1e-12));
    }
  });

  test('one candidate has nothing to select among: PBO is null with the reason', () => {
    const out = probabilityOfBacktestOverfitting(matrixFromColumns([A]), small);
    expect(out).toMatchObject({ pbo: null, logits: [], reason: 'needs at least 2 candidates: with one there is no selection to overfit' });
  });

  test.each([
    [1000, 16, 16],
    [160, 16, 16],
    [159, 16, 14], // 159 / 16 = 9.9 bars: lowered to 14 partitions of 11
    [60, 16, 6],
    [20, 16, 2],
    [19, 16, null],
  ])('partition rule: %p bars, %p requested -> %p partitions of at least 10 bars', (bars, requested, want) => {
    expect(choosePartitions(bars, requested)).toBe(want);
  });

  test('too few bars for two partitions gives null with the reason; an odd S is refused', () => {
    const out = probabilityOfBacktestOverfitting(matrixFromColumns([A, B]));
    expect(out.pbo).toBeNull();
    expect(out.reason).toMatch(/cannot make 2 partitions/);
    expect(() => choosePartitions(100, 7)).toThrow(RangeError);
  });

  test('combinations are all C(S, S/2) subsets in lexicographic order', () => {
    expect([...combinations(4, 2)]).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(binomial(16, 8)).toBe(12870);
    expect([...combinations(16, 8)].length).toBe(12870);
  });

  test.each(reference.pbo)('matrix $name matches the numpy/scipy recomputation', (want) => {
    const rows = want.matrix;
    const columns = rows[0].map((_, n) => rows.map((row) => row[n]));
    const out = probabilityOfBacktestOverfitting(matrixFromColumns(columns), { partitions: want.partitions });
    expect(out).toMatchObject({ partitions: want.partitions, barsDropped: want.barsDropped, combinations: want.combinations, pbo: want.pbo });
    expectClose(out.degradationSlope, want.degradationSlope, 1e-9);
    expectClose(out.degradationIntercept, want.degradationIntercept, 1e-9, 1e-12);
    expect(out.probabilityOfOosLoss).toBe(want.probabilityOfOosLoss);
    const logits = want.logits ?? want.logitsHead ?? [];
    logits.forEach((l, i) => expectClose(out.logits[i], l, 1e-12, 1e-12));
    if (want.logitsSum !== undefined)
      expectClose(
        out.logits.reduce((a, b) => a + b, 0),
        want.logitsSum,
        1e-10,
      );
  });

  const noise = (rng: Rng, bars: number, edge: number): Float64Array => Float64Array.from({ length: bars }, () => edge + 0.01 * rng.normal());

  test('independent pure-noise candidates give PBO near 1/2 (mean of 5 seeded matrices)', () => {
    const pbos = [1, 2, 3, 4, 5].map((seed) => {
      const rng = Rng.fromSeed(seed);
      const columns = Array.from({ length: 20 }, () => noise(rng, 800, 0));
      return probabilityOfBacktestOverfitting(matrixFromColumns(columns)).pbo as number;
    });
    const mean = pbos.reduce((a, b) => a + b, 0) / pbos.length;
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(0.7);
  });

  test('one candidate with a strong true edge among noise gives PBO near 0', () => {
    const rng = Rng.fromSeed(11);
    const columns = Array.from({ length: 20 }, (_, n) => noise(rng, 800, n === 13 ? 0.004 : 0));
    const out = probabilityOfBacktestOverfitting(matrixFromColumns(columns));
    expect(out.pbo).toBeLessThan(0.05);
    expect(out.probabilityOfOosLoss).toBeLessThan(0.05);
  });
});
