import { TradingEnv, type MarketView } from '../../src/env/trading-env.js';

function market(prices: number[], dim = 1): MarketView {
  const n = prices.length;
  const logReturns = new Float64Array(n).fill(NaN);
  const simpleReturns = new Float64Array(n).fill(NaN);
  for (let t = 1; t < n; t++) {
    logReturns[t] = Math.log(prices[t] / prices[t - 1]);
    simpleReturns[t] = prices[t] / prices[t - 1] - 1;
  }
  const features = new Float32Array(n * dim).map((_, i) => Math.floor(i / dim));
  return { features, featureDim: dim, featureNames: Array.from({ length: dim }, (_, i) => `f${i}`), firstValidRow: 1, logReturns, simpleReturns };
}

const prices = [100, 101, 99, 102, 102, 105];

describe('TradingEnv', () => {
  test('the action at row t sets the position held over bar t+1 (next-bar execution)', () => {
    const env = new TradingEnv(market(prices), 2, 6, { allowShort: true, costBps: 0, slippageBps: 0 });
    const obs = env.reset();
    expect(env.currentRow).toBe(1);
    expect(Array.from(obs)).toEqual([1, 0]);
    const long = env.step(2);
    expect(long).toMatchObject({ row: 2, position: 1, done: false });
    expect(long.reward).toBeCloseTo(Math.log(99 / 101), 12);
    const short = env.step(0);
    expect(short.reward).toBeCloseTo(-Math.log(102 / 99), 12);
    expect(short.barReturn).toBeCloseTo(-(102 / 99 - 1), 12);
    expect(Array.from(env.observe())).toEqual([3, -1]);
    env.step(1);
    const last = env.step(1);
    expect(last).toMatchObject({ row: 5, done: true });
    expect(env.length).toBe(4);
  });

  test.each([
    ['flat to long', 1, 2, 10, 0, 1],
    ['long to short costs twice', 2, 0, 10, 5, 2],
    ['no change costs nothing', 1, 1, 10, 5, 0],
  ])('%s: cost = (costBps + slippageBps) / 1e4 x |position change|', (_name, first, second, costBps, slippageBps, change) => {
    const env = new TradingEnv(market(prices), 2, 6, { allowShort: true, costBps, slippageBps });
    env.reset();
    env.step(first);
    const before = env.currentPosition;
    const r = env.step(second);
    const gross = r.position * Math.log(102 / 99);
    expect(Math.abs(r.position - before)).toBe(change);
    expect(r.reward).toBeCloseTo(gross - ((costBps + slippageBps) / 1e4) * change, 12);
  });

  test('without shorting the actions are flat and long', () => {
    const env = new TradingEnv(market(prices), 2, 6, { allowShort: false, costBps: 0, slippageBps: 0 });
    expect(env.positions).toEqual([0, 1]);
    expect(env.nActions).toBe(2);
    expect(() => env.step(2)).toThrow(/action 2/);
  });

  test('consecutive segments trade every bar exactly once', () => {
    const m = market([100, 101, 102, 103, 104, 105, 106, 107]);
    const a = new TradingEnv(m, 2, 5, { allowShort: true, costBps: 0, slippageBps: 0 });
    const b = new TradingEnv(m, 5, 8, { allowShort: true, costBps: 0, slippageBps: 0 });
    const rowsOf = (env: TradingEnv) => {
      env.reset();
      const rows: number[] = [];
      for (let i = 0; i < env.length; i++) rows.push(env.step(1).row);
      return rows;
    };
    expect([...rowsOf(a), ...rowsOf(b)]).toEqual([2, 3, 4, 5, 6, 7]);
  });
});
