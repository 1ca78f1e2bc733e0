import { volatilityRewardScale } from '../../src/agent/reward-scale.js';
import { computeFeatures, type FeatureSet } from '../../src/data/features.js';
import { ConfigError } from '../../src/errors/index.js';
import { windowMarket } from '../../src/env/market.js';
import { PanelTradingEnv, type PanelEnvSettings } from '../../src/env/panel-env.js';
import { panelWindowMarket } from '../../src/env/panel-market.js';
import { TradingEnv } from '../../src/env/trading-env.js';
import { Rng } from '../../src/random/rng.js';
import type { Window } from '../../src/windows/build-windows.js';
import { ar1Prices } from '../helpers/synthetic.js';

const legacy = { extra: [] as Array<'volatility' | 'rsi' | 'smaRatio'>, volatilityWindow: 20, rsiWindow: 14, smaWindow: 20 };
const featuresOf = (prices: ArrayLike<number>, lookback = 1, extra = legacy.extra): FeatureSet =>
  computeFeatures(Float64Array.from(prices), { lookback }, { ...legacy, extra });
const windowOf = (train: [number, number], test: [number, number], validation: [number, number] | null = null): Window => ({
  iteration: 1,
  train: { start: train[0], end: train[1] },
  validation: validation && { start: validation[0], end: validation[1] },
  test: { start: test[0], end: test[1] },
  partial: false,
});
const settings = (over: Partial<PanelEnvSettings> = {}): PanelEnvSettings => ({
  allowShort: true,
  costBps: 10,
  slippageBps: 5,
  weighting: 'equal',
  portfolioFeatures: false,
  ...over,
});
const bytes = (xs: number[]) => Buffer.from(Float64Array.from(xs).buffer);

// Hand-made closes of three instruments over 8 bars.
const hand: Record<string, number[]> = {
  A: [100, 101, 99, 102, 102, 105, 104, 106],
  B: [50, 50.5, 51, 50, 49, 49.5, 51, 52],
  C: [20, 19, 19.5, 21, 20, 20.4, 20.2, 19],
};
const panelOf = (symbols: string[], window: Window, universe = symbols, lookback = 1, prices = hand) =>
  panelWindowMarket(
    symbols.map((s) => featuresOf(prices[s], lookback)),
    window,
    universe,
    symbols,
  );

describe('PanelTradingEnv', () => {
  test.each([
    ['short/flat/long', true],
    ['flat/long', false],
  ])('a panel of one with equal weighting is TradingEnv bit for bit over every segment (%s)', (_name, allowShort) => {
    const fs = featuresOf(ar1Prices(900, 0.3, 0.01, 5), 5, ['volatility', 'rsi', 'smaRatio']);
    const window = windowOf([0, 500], [600, 900], [500, 600]);
    const single = windowMarket(fs, window).market;
    const panel = panelWindowMarket([fs], window, ['X'], ['X']).market;
    for (const [start, end] of [
      [0, 500],
      [500, 600],
      [600, 900],
    ]) {
      const one = new TradingEnv(single, start, end, settings({ allowShort }));
      const many = new PanelTradingEnv(panel, start, end, settings({ allowShort }));
      expect(many.spaces).toEqual(one.spaces);
      expect([many.firstDecisionRow, many.length]).toEqual([one.firstDecisionRow, one.length]);
      const rng = Rng.fromSeed(start + 11);
      const seen = { one: [] as number[], many: [] as number[], obsOne: [] as number[], obsMany: [] as number[] };
      seen.obsOne.push(...one.reset());
      seen.obsMany.push(...many.reset());
      for (let i = 0; i < one.length; i++) {
        const action = rng.int(one.nActions);
        const a = one.step(action);
        const b = many.step(Int32Array.of(action));
        // A panel of one earns the instrument's bar return as its portfolio return.
        seen.one.push(a.reward, a.barReturn, a.position, a.row, Number(a.done), a.barReturn);
        seen.many.push(b.rewards[0], b.barReturns[0], b.positions[0], b.row, Number(b.done), b.portfolioReturn);
        seen.obsOne.push(...one.observe());
        seen.obsMany.push(...many.observeAll());
      }
      expect(bytes(seen.many).equals(bytes(seen.one))).toBe(true);
      expect(Buffer.from(Float32Array.from(seen.obsMany).buffer).equals(Buffer.from(Float32Array.from(seen.obsOne).buffer))).toBe(true);
      expect(new Set(seen.one.filter((_, i) => i % 6 === 0)).size).toBeGreaterThan(10);
    }
  });

  test.each([
    ['equal', 'equal' as const],
    ['inverseVol', 'inverseVol' as const],
  ])('three instruments: per-instrument costs and the %s-weighted portfolio return, recomputed here', (_name, weighting) => {
    const symbols = ['A', 'B', 'C'];
    const market = panelOf(symbols, windowOf([0, 4], [4, 8])).market;
    const env = new PanelTradingEnv(market, 4, 8, settings({ weighting }));
    // Weights from this test's own reading of the rule: 1/N, or 1 / training volatility (rows 1..3), normalised.
    const raw = symbols.map((s) => (weighting === 'equal' ? 1 : volatilityRewardScale(featuresOf(hand[s]).logReturns, 0, 4)));
    const weights = raw.map((w) => w / raw.reduce((a, b) => a + b, 0));
    weights.forEach((w, k) => expect(env.weights[k]).toBeCloseTo(w, 14));
    expect(env.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    const plan = [
      [2, 0, 1],
      [0, 0, 2],
      [0, 1, 2],
      [1, 2, 2],
    ];
    const held = [0, 0, 0];
    env.reset();
    plan.forEach((actions, j) => {
      const bar = 4 + j;
      const result = env.step(Int32Array.from(actions));
      let portfolio = 0;
      symbols.forEach((s, k) => {
        const next = actions[k] - 1;
        const cost = (15 / 1e4) * Math.abs(next - held[k]);
        const p = hand[s];
        expect(result.rewards[k]).toBeCloseTo(next * Math.log(p[bar] / p[bar - 1]) - cost, 15);
        expect(result.barReturns[k]).toBeCloseTo(next * (p[bar] / p[bar - 1] - 1) - cost, 15);
        portfolio += weights[k] * (next * (p[bar] / p[bar - 1] - 1) - cost);
        held[k] = next;
      });
      expect(Array.from(result.positions)).toEqual(held);
      expect(result.portfolioReturn).toBeCloseTo(portfolio, 14);
      expect(result).toMatchObject({ row: bar, done: j === plan.length - 1 });
    });
  });

  test('each instrument is standardized on its own training rows, as a one-instrument window is', () => {
    const window = windowOf([0, 5], [5, 8]);
    const { market, standardizations } = panelOf(['A', 'B', 'C'], window, ['A', 'B', 'C'], 2);
    ['A', 'B', 'C'].forEach((s, i) => {
      const own = windowMarket(featuresOf(hand[s], 2), window);
      expect(standardizations[i]).toEqual(own.standardization);
      for (let t = 0; t < 8; t++) {
        const panelRow = Array.from(market.features.subarray((t * 3 + i) * 2, (t * 3 + i) * 2 + 2));
        expect(panelRow).toEqual(Array.from(own.market.features.subarray(t * 2, t * 2 + 2)));
      }
    });
  });

  test('observeAll lays each instrument out as its features, the market means, the portfolio exposure, then its position', () => {
    const market = panelOf(['A', 'B', 'C'], windowOf([0, 4], [4, 8]), ['A', 'B', 'C'], 2).market;
    const env = new PanelTradingEnv(market, 4, 8, settings({ portfolioFeatures: true, marketFeatures: true }));
    expect(env.spaces.observation.names).toEqual([
      'logReturn_t-1',
      'logReturn_t',
      'market_logReturn_t-1',
      'market_logReturn_t',
      'exposure',
      'position',
    ]);
    expect([env.obsDim, env.size]).toEqual([6, 3]);
    env.reset();
    env.step(Int32Array.of(2, 2, 0));
    const obs = env.observeAll();
    expect(obs.length).toBe(18);
    const row = env.currentRow;
    const own = (k: number) => Array.from(market.features.subarray((row * 3 + k) * 2, (row * 3 + k) * 2 + 2));
    const means = [0, 1].map((c) => Math.fround((own(0)[c] + own(1)[c] + own(2)[c]) / 3));
    [1, 1, -1].forEach((position, k) => {
      expect(Array.from(obs.subarray(k * 6, k * 6 + 6))).toEqual([...own(k), ...means, Math.fround(1 / 3), position]);
    });
    expect(env.currentExposure).toBe(1 / 3);
    const exposureOnly = new PanelTradingEnv(market, 4, 8, settings({ portfolioFeatures: true }));
    expect(exposureOnly.spaces.observation.names).toEqual(['logReturn_t-1', 'logReturn_t', 'exposure', 'position']);
  });

  test('the cross-section shows each instrument its features less the universe mean (demean) or in units of the spread (zscore)', () => {
    const market = panelOf(['A', 'B', 'C'], windowOf([0, 4], [4, 8]), ['A', 'B', 'C'], 2).market;
    const of = (crossSection: 'none' | 'demean' | 'zscore') => {
      const env = new PanelTradingEnv(market, 4, 8, settings({ crossSection, marketFeatures: true }));
      env.reset();
      env.step(Int32Array.of(2, 1, 0));
      return { obs: Array.from(env.observeAll()), row: env.currentRow, names: env.spaces.observation.names };
    };
    const none = of('none');
    const own = (k: number) => Array.from(market.features.subarray((none.row * 3 + k) * 2, (none.row * 3 + k) * 2 + 2));
    const means = [0, 1].map((c) => (own(0)[c] + own(1)[c] + own(2)[c]) / 3);
    const spreads = [0, 1].map((c) => Math.sqrt([0, 1, 2].reduce((a, k) => a + (own(k)[c] - means[c]) ** 2, 0) / 3));
    expect(of('demean').names).toEqual(none.names);
    [1, 0, -1].forEach((position, k) => {
      const market = means.map(Math.fround);
      expect(none.obs.slice(k * 5, k * 5 + 5)).toEqual([...own(k), ...market, position]);
      expect(of('demean').obs.slice(k * 5, k * 5 + 5)).toEqual([...own(k).map((x, c) => Math.fround(x - means[c])), ...market, position]);
      const z = own(k).map((x, c) => Math.fround((x - means[c]) / spreads[c]));
      expect(of('zscore').obs.slice(k * 5, k * 5 + 5)).toEqual([...z, ...market, position]);
    });
    // Across the universe the shown features sum to zero at every date: the part every instrument shares is gone.
    const demeaned = of('demean').obs;
    for (const c of [0, 1]) expect(Math.abs(demeaned[c] + demeaned[5 + c] + demeaned[10 + c])).toBeLessThan(1e-6);
  });

  test('zscore shows a feature on which every instrument agrees as 0, not NaN', () => {
    const same = { A: hand.A, B: hand.A.map((p) => p * 2) };
    const market = panelOf(['A', 'B'], windowOf([0, 4], [4, 8]), ['A', 'B'], 1, same).market;
    const env = new PanelTradingEnv(market, 4, 8, settings({ crossSection: 'zscore' }));
    const obs = Array.from(env.reset());
    expect(obs).toEqual([0, 0, 0, 0]);
  });

  test('an instrument outside the window universe has no observation, position or weight, and its data is never read', () => {
    const symbols = ['A', 'B', 'C'];
    const window = windowOf([0, 4], [4, 8]);
    const delisted = { ...hand, B: hand.B.map((p, t) => (t >= 5 ? NaN : p)) }; // B ends inside the test segment
    const { market, standardizations } = panelOf(symbols, window, ['C', 'A'], 1, delisted);
    const alone = panelOf(['A', 'C'], window).market;
    expect([Array.from(market.active), market.universe, standardizations[1]]).toEqual([[1, 0, 1], [0, 2], null]);
    for (const weighting of ['equal', 'inverseVol'] as const) {
      const env = new PanelTradingEnv(market, 4, 8, settings({ weighting, portfolioFeatures: true }));
      const reference = new PanelTradingEnv(alone, 4, 8, settings({ weighting, portfolioFeatures: true }));
      expect([env.symbols, env.size, Array.from(env.weights)]).toEqual([['A', 'C'], 2, Array.from(reference.weights)]);
      expect(Array.from(env.reset())).toEqual(Array.from(reference.reset()));
      for (const actions of [Int32Array.of(2, 0), Int32Array.of(0, 0), Int32Array.of(1, 2)]) {
        const got = env.step(actions);
        const portfolio = got.portfolioReturn;
        const want = reference.step(actions);
        expect([portfolio, Array.from(got.positions)]).toEqual([want.portfolioReturn, Array.from(want.positions)]);
        expect(Number.isFinite(portfolio)).toBe(true);
        expect(Array.from(env.observeAll())).toEqual(Array.from(reference.observeAll()));
      }
    }
  });

  test.each([
    [
      'a training window of one return',
      [0, 2],
      ['A', 'B'],
      /inverseVol needs the volatility of A over the window's training rows \[0, 2\), which hold 1 of its returns/,
    ],
    ['an instrument listed late', [0, 4], ['A', 'late'], /volatility of late over .* hold 1 of its returns and it needs at least 2/],
    ['an instrument that never moves', [0, 4], ['A', 'flat'], /cannot weigh flat: its 3 returns .* do not vary/],
  ])('inverseVol without the history it needs is a configuration error naming the instrument: %s', (_name, train, symbols, message) => {
    const extra: Record<string, number[]> = { late: [NaN, NaN, 10, 11, 12, 11, 12, 13], flat: [5, 5, 5, 5, 6, 7, 6, 5] };
    const sets = symbols.map((s) => featuresOf(hand[s] ?? extra[s]));
    const market = panelWindowMarket(sets, windowOf(train as [number, number], [4, 8]), symbols, symbols).market;
    expect(() => new PanelTradingEnv(market, 4, 8, settings({ weighting: 'equal' }))).not.toThrow();
    const err = (() => {
      try {
        new PanelTradingEnv(market, 4, 8, settings({ weighting: 'inverseVol' }));
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a refusal');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.exitCode).toBe(2);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(message);
  });

  test('an empty universe, an unknown symbol and an action outside the positions are refused', () => {
    expect(() => panelOf(['A', 'B'], windowOf([0, 4], [4, 8]), [])).toThrow(/window 1 .* has no instrument with every bar/);
    expect(() => panelOf(['A', 'B'], windowOf([0, 4], [4, 8]), ['Z'])).toThrow(/names Z, which the panel does not hold/);
    const env = new PanelTradingEnv(panelOf(['A', 'B'], windowOf([0, 4], [4, 8])).market, 4, 8, settings({ allowShort: false }));
    env.reset();
    expect(() => env.step(Int32Array.of(1, 2))).toThrow(/action 2 of B is outside 0..1/);
    expect(() => env.step(Int32Array.of(1))).toThrow(/1 actions for 2 instruments/);
    expect([env.currentRow, Array.from(env.currentPositions)]).toEqual([env.firstDecisionRow, [0, 0]]);
  });
});
