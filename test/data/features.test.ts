import { computeFeatures, fitStandardization, standardize } from '../../src/data/features.js';
import { ar1Prices } from '../helpers/synthetic.js';
import { Rng } from '../../src/random/rng.js';

const features = { extra: ['volatility', 'rsi', 'smaRatio'] as Array<'volatility' | 'rsi' | 'smaRatio'>, volatilityWindow: 10, rsiWindow: 7, smaWindow: 12 };
const env = { lookback: 8 };

function rowsOf(matrix: Float32Array, dim: number, upTo: number): number[] {
  return Array.from(matrix.subarray(0, (upTo + 1) * dim));
}

describe('features', () => {
  const prices = ar1Prices(300, 0.3, 0.01, 11);

  test('the observation at row t holds the last lookback log returns, newest last', () => {
    const fs = computeFeatures(prices, env, { ...features, extra: [] });
    const t = 50;
    const row = Array.from(fs.raw.subarray(t * fs.dim, (t + 1) * fs.dim));
    const expected = Array.from({ length: 8 }, (_, k) => Math.log(prices[t - 7 + k] / prices[t - 8 + k]));
    row.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 6));
    expect(fs.names.at(-1)).toBe('logReturn_t');
    expect(fs.firstValidRow).toBe(8);
  });

  test.each([20, 100, 200, 298])('no look-ahead: changing any price after row %i changes no feature up to that row', (t) => {
    const before = computeFeatures(prices, env, features);
    const rng = Rng.fromSeed(t);
    const changed = prices.map((p, i) => (i > t ? p * (0.5 + rng.next()) : p));
    const after = computeFeatures(changed, env, features);
    expect(rowsOf(after.raw, after.dim, t)).toEqual(rowsOf(before.raw, before.dim, t));
    expect(Array.from(after.logReturns.subarray(0, t + 1))).toEqual(Array.from(before.logReturns.subarray(0, t + 1)));
  });

  test('standardization uses the training rows only: changing validation and test prices changes no observation before them', () => {
    const trainEnd = 150;
    const fit = (p: Float64Array) => {
      const fs = computeFeatures(p, env, features);
      const stats = fitStandardization(fs, 0, trainEnd);
      return { fs, stats, obs: standardize(fs, stats) };
    };
    const a = fit(prices);
    for (const t of [trainEnd, 200, 260]) {
      const rng = Rng.fromSeed(t);
      const b = fit(prices.map((p, i) => (i > t ? p * (0.5 + rng.next()) : p)));
      expect(b.stats).toEqual(a.stats);
      expect(rowsOf(b.obs, b.fs.dim, t)).toEqual(rowsOf(a.obs, a.fs.dim, t));
    }
  });

  test('standardized training returns have mean 0 and std 1', () => {
    const fs = computeFeatures(prices, env, { ...features, extra: [] });
    const stats = fitStandardization(fs, 0, 200);
    const obs = standardize(fs, stats);
    const values = Array.from({ length: 200 - 8 }, (_, i) => obs[(i + 8) * fs.dim + fs.dim - 1]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    expect(mean).toBeCloseTo(0, 5);
    expect(std).toBeCloseTo(1, 5);
  });
});
