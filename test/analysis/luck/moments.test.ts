import { returnMoments } from '../../../src/analysis/luck/index.js';
import { expectClose, reference } from './fixture.js';

describe('returnMoments', () => {
  test('hand-worked: [1, 2, 3, 6]', () => {
    // mean 3, deviations -2 -1 0 3; sums of powers 14, 18, 98 over 4 bars: m2 = 3.5, m3 = 4.5, m4 = 24.5.
    // std (ddof 1) = sqrt(14 / 3); skewness = 4.5 / 3.5^1.5 = 0.687243; kurtosis = 24.5 / 3.5^2 = 2 (not excess).
    const m = returnMoments([1, 2, 3, 6]);
    expect(m.bars).toBe(4);
    expect(m.mean).toBe(3);
    expectClose(m.std, Math.sqrt(14 / 3), 1e-15);
    expectClose(m.skewness, 4.5 / 3.5 ** 1.5, 1e-15);
    expectClose(m.kurtosis, 2, 1e-15);
    expectClose(m.sharpe, 3 / Math.sqrt(14 / 3), 1e-15);
    expect(m.reason).toBeNull();
  });

  test('a symmetric two-point series has skewness 0 and kurtosis 1', () => {
    const m = returnMoments([0.01, -0.01, 0.01, -0.01]);
    expect(m.skewness).toBeCloseTo(0, 15);
    expectClose(m.kurtosis, 1, 1e-14);
  });

  test('matches numpy and scipy (skew bias=True, kurtosis fisher=False) on the reference series', () => {
    const m = returnMoments(reference.series.returns);
    const want = reference.series.moments;
    expectClose(m.mean, want.mean, 1e-12);
    expectClose(m.std, want.std, 1e-12);
    expectClose(m.skewness, want.skewness, 1e-11);
    expectClose(m.kurtosis, want.kurtosis, 1e-12);
    expectClose(m.sharpe, want.sharpe, 1e-12);
  });

  test.each([
    { name: 'no bars', returns: [], reason: 'no bars', mean: null },
    { name: 'one bar', returns: [0.02], reason: 'needs at least 2 bars', mean: 0.02 },
    { name: 'a constant series', returns: [0.001, 0.001, 0.001], reason: 'zero variance', mean: 0.001 },
    { name: 'a NaN', returns: [0.01, Number.NaN], reason: 'return at bar 1 is not a finite number', mean: null },
  ])('$name: undefined moments are null with the reason', ({ returns, reason, mean }) => {
    const m = returnMoments(returns);
    expect(m).toMatchObject({ reason, mean, sharpe: null, skewness: null, kurtosis: null });
  });
});
