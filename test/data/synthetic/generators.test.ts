import { ConfigError } from '../../../src/errors/index.js';
import {
  businessDays,
  generateSynthetic,
  syntheticCsv,
  syntheticKinds,
  syntheticProblems,
  type SyntheticParams,
} from '../../../src/data/synthetic/index.js';

const BARS = 4000;

function logReturns(price: Float64Array): Float64Array {
  const r = new Float64Array(price.length - 1);
  for (let t = 1; t < price.length; t++) r[t - 1] = Math.log(price[t] / price[t - 1]);
  return r;
}

/** Least-squares slope and its standard error of y on x (with intercept). */
function regress(x: ArrayLike<number>, y: ArrayLike<number>): { slope: number; se: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const slope = sxy / sxx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i] - my - slope * (x[i] - mx)) ** 2;
  return { slope, se: Math.sqrt(sse / (n - 2) / sxx) };
}

function lag1Autocorrelation(r: Float64Array): number {
  const n = r.length;
  const mean = r.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let t = 0; t < n; t++) {
    den += (r[t] - mean) ** 2;
    if (t > 0) num += (r[t] - mean) * (r[t - 1] - mean);
  }
  return num / den;
}

const sd = (x: Float64Array) => {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
};

describe('synthetic generators', () => {
  test.each(syntheticKinds)('%s: the same seed gives the same CSV bytes, another seed other bytes', (kind) => {
    const one = syntheticCsv(generateSynthetic({ kind }, { bars: 500, seed: 7 }));
    expect(syntheticCsv(generateSynthetic({ kind }, { bars: 500, seed: 7 }))).toBe(one);
    expect(syntheticCsv(generateSynthetic({ kind }, { bars: 500, seed: 8 }))).not.toBe(one);
    expect(one.split('\n')[1]).toMatch(kind === 'regime' ? /^2000-01-03,100,-?1$/ : /^2000-01-03,100$/);
  });

  // Bartlett: the lag-1 sample autocorrelation of an AR(1) has standard error about sqrt((1 - phi^2) / n).
  test.each([0, 0.2, -0.3, 0.6])('ar1 phi=%p: sample lag-1 autocorrelation of log returns is phi within 4 standard errors', (phi) => {
    for (const seed of [1, 2]) {
      const r = logReturns(generateSynthetic({ kind: 'ar1', phi }, { bars: BARS, seed }).price);
      const se = Math.sqrt((1 - phi * phi) / r.length);
      expect(Math.abs(lag1Autocorrelation(r) - phi)).toBeLessThan(4 * se);
    }
  });

  test.each([0, 0.4, 0.8])('ar1 phi=%p: the default sigma gives an annualised volatility of 16%', (phi) => {
    const r = logReturns(generateSynthetic({ kind: 'ar1', phi }, { bars: BARS, seed: 3 }).price);
    // Relative standard error of a sample sd of an AR(1): about sqrt((1 + phi^2) / (1 - phi^2) / (2 n)).
    const relSe = Math.sqrt((1 + phi * phi) / (1 - phi * phi) / (2 * r.length));
    expect(Math.abs((sd(r) * Math.sqrt(252)) / 0.16 - 1)).toBeLessThan(4 * relSe);
  });

  test('ar1 drift is the mean log return per bar', () => {
    const phi = 0.3;
    const r = logReturns(generateSynthetic({ kind: 'ar1', phi, drift: 0.002 }, { bars: BARS, seed: 4 }).price);
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    // Standard error of the mean of an AR(1): sd sqrt((1 + phi) / ((1 - phi) n)).
    expect(Math.abs(mean - 0.002)).toBeLessThan(4 * sd(r) * Math.sqrt((1 + phi) / ((1 - phi) * r.length)));
  });

  test.each([
    [0.3, 0.01],
    [0.5, 0.05],
  ])('regime phi=%p switchProb=%p: returns regress on the previous one with +phi in trend rows and -phi in reversal rows', (phi, switchProb) => {
    const s = generateSynthetic({ kind: 'regime', phi, switchProb }, { bars: BARS, seed: 5 });
    const r = logReturns(s.price); // r[i] is row i + 1's return
    for (const state of [1, -1]) {
      const x: number[] = [];
      const y: number[] = [];
      for (let t = 2; t < s.bars; t++) if (s.regime![t] === state) {
        x.push(r[t - 2]);
        y.push(r[t - 1]);
      }
      const fit = regress(x, y);
      expect(Math.abs(fit.slope - state * phi)).toBeLessThan(4 * fit.se);
    }
    let switches = 0;
    for (let t = 1; t < s.bars; t++) if (s.regime![t] !== s.regime![t - 1]) switches++;
    const n = s.bars - 1;
    expect(Math.abs(switches / n - switchProb)).toBeLessThan(4 * Math.sqrt((switchProb * (1 - switchProb)) / n));
  });

  // Exact discretisation: X_{t+1} = mu (1 - b) + b X_t + noise with b = exp(-theta dt), so theta = -ln(b) / dt.
  test.each([5, 10, 30])('ou theta=%p: mean reversion estimated by regressing the log price on its lag matches theta', (theta) => {
    const s = generateSynthetic({ kind: 'ou', theta, meanPrice: 120 }, { bars: BARS, seed: 6 });
    const x = Array.from(s.price, Math.log);
    const fit = regress(x.slice(0, -1), x.slice(1));
    const dt = 1 / 252;
    const estimate = -Math.log(fit.slope) / dt;
    // Delta method: se(theta) = se(b) / (b dt); small samples bias the estimate up by about 4 / years (kept within 4 se).
    expect(Math.abs(estimate - theta)).toBeLessThan(4 * (fit.se / (fit.slope * dt)));
    const meanLog = x.reduce((a, b) => a + b, 0) / x.length;
    expect(Math.abs(meanLog - Math.log(120))).toBeLessThan(0.16 / Math.sqrt(2 * theta));
  });

  test.each([
    ['a Monday', '2000-01-03', 3, ['2000-01-03', '2000-01-04', '2000-01-05']],
    ['a Saturday starts on the Monday after', '2000-01-01', 2, ['2000-01-03', '2000-01-04']],
    ['a weekend is skipped', '2020-02-27', 4, ['2020-02-27', '2020-02-28', '2020-03-02', '2020-03-03']],
    ['a leap day is a business day', '2024-02-28', 3, ['2024-02-28', '2024-02-29', '2024-03-01']],
  ])('business days from %s', (_name, start, count, expected) => {
    expect(businessDays(start, count)).toEqual(expected);
  });

  test.each<[string, SyntheticParams, Partial<{ bars: number; seed: number; startPrice: number; startDate: string }>, RegExp]>([
    ['|phi| >= 1', { kind: 'ar1', phi: 1 }, {}, /phi: got 1; expected a number with \|phi\| < 1/],
    ['phi < 0 for regime', { kind: 'regime', phi: -0.2 }, {}, /phi: got -0.2; expected a number with 0 <= phi < 1/],
    ['a switch probability above 1', { kind: 'regime', switchProb: 1.5 }, {}, /switchProb: got 1.5; expected a probability from 0 to 1/],
    ['theta <= 0', { kind: 'ou', theta: 0 }, {}, /theta: got 0; expected a number > 0/],
    ['sigma not a number', { kind: 'ar1', sigma: NaN }, {}, /sigma: got something that is not a number; expected a number > 0/],
    ['fewer than 10 bars', { kind: 'ar1' }, { bars: 9 }, /bars: got 9; expected a whole number from 10/],
    ['a fractional seed', { kind: 'ou' }, { seed: 1.5 }, /seed: got 1.5; expected a whole number/],
    ['a date that does not exist', { kind: 'ou' }, { startDate: '2001-02-29' }, /startDate: got 2001-02-29; expected a calendar date yyyy-mm-dd/],
    ['an unknown kind', { kind: 'garch' } as unknown as SyntheticParams, {}, /kind: got garch; expected one of ar1, regime, ou/],
  ])('%s is refused with a message naming the parameter, the value and what is allowed', (_name, params, options, message) => {
    const all = { bars: 100, seed: 1, ...options };
    expect(syntheticProblems(params, all).join('\n')).toMatch(message);
    expect(() => generateSynthetic(params, all)).toThrow(ConfigError);
  });
});
