import { oracleSharpe, oracleTarget } from '../../src/markets/oracle.js';
import { generateSynthetic, type SyntheticParams } from '../../src/data/synthetic/index.js';

const costs = { allowShort: true, costBps: 10, slippageBps: 0 };
const free = { allowShort: true, costBps: 0, slippageBps: 0 };
const series = (params: SyntheticParams, seed: number) => generateSynthetic(params, { bars: 4000, seed });

describe('oracleTarget', () => {
  // With band = cost rate c, the rule should be the one-bar optimum argmax_q q f - c |q - current|.
  const c = 1e-3;
  const cases: Array<[number, number, number[]]> = [];
  for (const positions of [
    [-1, 0, 1],
    [0, 1],
  ]) {
    for (const current of positions) for (const f of [-3e-3, -1.5e-3, -5e-4, 0, 4e-4, 1.2e-3, 2e-3]) cases.push([f, current, positions]);
  }
  test.each(cases)(
    'forecast %p from position %p in %p: band = cost picks the position with the best next-bar net expectation',
    (f, current, positions) => {
      const value = (q: number) => q * f - c * Math.abs(q - current);
      const best = Math.max(...positions.map(value));
      expect(value(oracleTarget(f, current, c, positions))).toBeCloseTo(best, 15);
    },
  );
});

describe('oracleSharpe through the TradingEnv', () => {
  test.each([1, 2, 3])('ar1 phi=0.2, 10 bps, seed %p: clearly positive after costs and above buy-and-hold', (seed) => {
    const s = series({ kind: 'ar1', phi: 0.2 }, seed);
    const r = oracleSharpe(s, s.params, costs);
    expect(r.sharpe).toBeGreaterThan(0.6);
    expect(r.sharpe!).toBeGreaterThan(r.buyAndHold.sharpe! + 0.3);
    expect(r.bars).toBe(3998);
  });

  test('the oracle earns more the stronger the autocorrelation (same shocks, 10 bps)', () => {
    const sharpe = [0.1, 0.2, 0.4].map((phi) => oracleSharpe(series({ kind: 'ar1', phi }, 11), { kind: 'ar1', phi }, costs).sharpe!);
    expect(sharpe[0]).toBeLessThan(sharpe[1]);
    expect(sharpe[1]).toBeLessThan(sharpe[2]);
  });

  test('on a random walk (phi = 0) the oracle has no forecast and stays flat: no return, no Sharpe', () => {
    const s = series({ kind: 'ar1', phi: 0 }, 1);
    const r = oracleSharpe(s, s.params, costs);
    expect(r.totalReturn).toBe(0);
    expect(r.metrics.exposure).toBe(0);
    expect(r.sharpe).toBeNull();
  });

  test.each([1, 2, 3])('seed %p: the phi=0.2 rule on a random walk earns nothing without costs and loses with them (no look-ahead)', (seed) => {
    const walk = series({ kind: 'ar1', phi: 0 }, seed);
    const wrong: SyntheticParams = { kind: 'ar1', phi: 0.2 };
    // 4000 bars are ~16 years: a Sharpe estimate's standard error is about 1 / sqrt(16) = 0.25.
    expect(Math.abs(oracleSharpe(walk, wrong, free, { band: 0 }).sharpe!)).toBeLessThan(1);
    expect(oracleSharpe(walk, wrong, costs, { band: 0 }).sharpe!).toBeLessThan(-1);
  });

  test('the returns are position(t-1 forecast) x bar return minus costs, computed by hand', () => {
    const s = generateSynthetic({ kind: 'ar1', phi: 0.3 }, { bars: 60, seed: 9 });
    const r = oracleSharpe(s, s.params, costs, { band: 0 });
    let position = 0;
    for (let t = 2; t < s.bars; t++) {
      const previousReturn = Math.log(s.price[t - 1] / s.price[t - 2]);
      const next = Math.sign(0.3 * previousReturn) || position;
      const expected = next * (s.price[t] / s.price[t - 1] - 1) - 1e-3 * Math.abs(next - position);
      position = next;
      expect(r.run.rows[t - 2]).toBe(t);
      expect(r.run.positions[t - 2]).toBe(next);
      expect(r.run.returns[t - 2]).toBeCloseTo(expected, 14);
    }
  });

  test.each<[string, SyntheticParams]>([
    ['regime', { kind: 'regime' }],
    ['ou', { kind: 'ou' }],
  ])('%s: the oracle is clearly positive after 10 bps and above buy-and-hold', (_name, params) => {
    for (const seed of [1, 2]) {
      const s = series(params, seed);
      const r = oracleSharpe(s, s.params, costs);
      expect(r.sharpe).toBeGreaterThan(1);
      expect(r.sharpe!).toBeGreaterThan(r.buyAndHold.sharpe! + 0.5);
    }
  });

  test('regime: the oracle needs the true state; the flipped state loses and no state is refused', () => {
    const s = series({ kind: 'regime', phi: 0.3 }, 4);
    const flipped = Int8Array.from(s.regime!, (x) => -x);
    expect(oracleSharpe({ price: s.price, regime: flipped }, s.params, costs).sharpe!).toBeLessThan(-1);
    expect(() => oracleSharpe({ price: s.price }, s.params, costs)).toThrow(/needs the hidden state of every row/);
  });

  test('long-only: the oracle is never short, and still beats buy-and-hold on ar1 phi=0.4', () => {
    const s = series({ kind: 'ar1', phi: 0.4 }, 2);
    const longOnly = { ...costs, allowShort: false };
    const r = oracleSharpe(s, s.params, longOnly);
    expect(new Set(r.run.positions)).toEqual(new Set([0, 1]));
    expect(r.sharpe!).toBeGreaterThan(r.buyAndHold.sharpe! + 0.5);
  });

  test('a wider band trades less', () => {
    const s = series({ kind: 'ou' }, 3);
    const turnover = [0, 5e-4, 2e-3].map((band) => oracleSharpe(s, s.params, costs, { band }).metrics.turnover!);
    expect(turnover[0]).toBeGreaterThan(turnover[1]);
    expect(turnover[1]).toBeGreaterThan(turnover[2]);
  });
});
