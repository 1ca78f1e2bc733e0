import { meanSignificance, neweyWestLags, normalTwoSidedPValue, studentTTwoSidedPValue } from '../../../src/analysis/luck/index.js';
import { expectClose, reference } from './fixture.js';

describe('Newey-West significance of the mean', () => {
  test.each([
    [1, 0],
    [2, 1], // floor(4 * 0.02^(2/9)) = floor(1.68)
    [100, 4],
    [500, 5], // floor(4 * 5^(2/9)) = floor(5.72)
    [1000, 6], // floor(4 * 10^(2/9)) = floor(6.67)
    [10000, 11], // floor(4 * 100^(2/9)) = floor(11.13)
  ])('lag rule floor(4 (T/100)^(2/9)): T = %p gives %p', (bars, lags) => {
    expect(neweyWestLags(bars)).toBe(lags);
  });

  test('hand-worked: an alternating series [0.02, 0, 0.02, 0] with one lag', () => {
    // mean 0.01, centred +-0.01: g0 = 4e-4 / 4 = 1e-4, g1 = 3 * (-1e-4) / 4 = -7.5e-5.
    // LRV = 1e-4 + 2 * (1 - 1/2) * (-7.5e-5) = 2.5e-5; se = sqrt(2.5e-5 / 4) = 0.0025; t = 4.
    // iid: std = sqrt(4e-4 / 3) = 0.011547, se = 0.0057735, t = sqrt(3) = 1.732.
    const out = meanSignificance([0.02, 0, 0.02, 0], { lags: 1 });
    expectClose(out.neweyWestT, 4, 1e-12);
    expectClose(out.neweyWestStdError, 0.0025, 1e-12);
    expectClose(out.iidT, Math.sqrt(3), 1e-12);
    expectClose(out.neweyWestPValue, studentTTwoSidedPValue(4, 3), 1e-15);
    expectClose(out.neweyWestPValueNormal, normalTwoSidedPValue(4), 1e-15);
    expectClose(out.iidPValue, studentTTwoSidedPValue(Math.sqrt(3), 3), 1e-12);
  });

  test('negative autocorrelation shrinks the standard error; positive autocorrelation widens it', () => {
    const trending = [0.03, 0.03, 0.03, -0.01, -0.01, -0.01, 0.03, 0.03, 0.03, -0.01, -0.01, -0.01];
    const out = meanSignificance(trending, { lags: 2 });
    expect(Math.abs(out.neweyWestT as number)).toBeLessThan(Math.abs(out.iidT as number));
  });

  test.each(reference.series.neweyWest)('matches the numpy quadratic-form recomputation with $lags lags', (want) => {
    const lags = want.lags === neweyWestLags(reference.series.returns.length) ? undefined : want.lags;
    const out = meanSignificance(reference.series.returns, { lags });
    expect(out.lags).toBe(want.lags);
    expectClose(out.neweyWestT, want.neweyWestT, 1e-11);
    expectClose(out.neweyWestPValue, want.neweyWestPValue, 1e-9);
    expectClose(out.neweyWestPValueNormal, want.neweyWestPValueNormal, 1e-9);
    expectClose(out.iidT, want.iidT, 1e-11);
    expectClose(out.iidPValue, want.iidPValue, 1e-9);
    expectClose(out.iidPValueNormal, want.iidPValueNormal, 1e-9);
  });

  test('undefined cases are null with the reason, bad lags are refused', () => {
    expect(meanSignificance([0.01])).toMatchObject({ neweyWestT: null, iidT: null, reason: 'needs at least 2 bars' });
    expect(meanSignificance([0.01, 0.01, 0.01])).toMatchObject({ neweyWestT: null, reason: 'zero variance' });
    expect(() => meanSignificance([0.01, 0.02], { lags: 2 })).toThrow(RangeError);
    expect(() => meanSignificance([0.01, 0.02, 0.0], { lags: 1.5 })).toThrow(RangeError);
  });
});
