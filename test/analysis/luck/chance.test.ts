import { chanceDistribution, countPositionChanges, percentileOf, quantile, randomSchedule } from '../../../src/analysis/luck/index.js';
import { envScheduleEvaluator, schedulePolicy } from '../../../src/training/schedule-policy.js';
import { TradingEnv } from '../../../src/env/trading-env.js';
import { buyAndHold, runPolicy } from '../../../src/training/evaluate.js';
import { Rng } from '../../../src/random/rng.js';
import { marketFor } from '../../helpers/market.js';

const metricOptions = { periodsPerYear: 252, riskFreeRate: 0 };

/** Prices with log returns mu + sigma * e (seeded): an up-trending market when mu > 0. */
function trendingPrices(rows: number, mu: number, sigma: number, seed: number): Float64Array {
  const rng = Rng.fromSeed(seed);
  const prices = new Float64Array(rows);
  prices[0] = 100;
  for (let t = 1; t < rows; t++) prices[t] = prices[t - 1] * Math.exp(mu + sigma * rng.normal());
  return prices;
}

// A strongly up-trending market (per-bar drift 0.003, volatility 0.005): over the 199 test bars, being in the
// market more of the time is what pays, which is the effect the chance distribution must show.
const market = marketFor(trendingPrices(400, 0.003, 0.005, 5), 5, 200);
const envFor = (allowShort: boolean): TradingEnv => new TradingEnv(market, 200, 400, { allowShort, costBps: 1, slippageBps: 0 });

describe('countPositionChanges', () => {
  test.each([
    { positions: [], changes: 0 },
    { positions: [0, 0, 0], changes: 0 },
    { positions: [1, 1, 1], changes: 1 }, // entering from the flat start counts
    { positions: [0, 1, 1, 0, -1], changes: 3 },
    { positions: [-1, 1, -1], changes: 3 },
  ])('$positions has $changes changes from a flat start', ({ positions, changes }) => {
    expect(countPositionChanges(positions)).toBe(changes);
  });

  test('the position before the first bar can be given', () => {
    expect(countPositionChanges([1, 1, 0], 1)).toBe(1);
  });
});

describe('randomSchedule', () => {
  test('has exactly k changes, only allowed positions, and k = bars changes every bar', () => {
    const rng = Rng.fromSeed(3);
    for (const [allowed, bars, k] of [
      [[0, 1], 50, 7],
      [[-1, 0, 1], 50, 7],
      [[-1, 0, 1], 20, 20],
      [[0, 1], 30, 0],
    ] as const) {
      for (let i = 0; i < 20; i++) {
        const s = randomSchedule(rng, allowed, bars, k);
        expect(countPositionChanges(s)).toBe(k);
        expect([...s].every((p) => allowed.includes(p as never))).toBe(true);
      }
    }
  });

  test('change bars are spread uniformly: each bar is a change bar about k / bars of the time', () => {
    const rng = Rng.fromSeed(8);
    const hits = new Float64Array(10);
    const draws = 4000;
    for (let d = 0; d < draws; d++) {
      const s = randomSchedule(rng, [-1, 0, 1], 10, 3);
      let prev = 0;
      s.forEach((p, t) => {
        if (p !== prev) hits[t]++;
        prev = p;
      });
    }
    // expected 0.3 per bar; the binomial sd of a share over 4000 draws is 0.007
    hits.forEach((h) => expect(Math.abs(h / draws - 0.3)).toBeLessThan(0.03));
  });

  test('the same seed gives identical draws, another seed different ones', () => {
    const a = randomSchedule(Rng.fromSeed(1), [-1, 0, 1], 100, 10);
    expect(randomSchedule(Rng.fromSeed(1), [-1, 0, 1], 100, 10)).toEqual(a);
    expect(randomSchedule(Rng.fromSeed(2), [-1, 0, 1], 100, 10)).not.toEqual(a);
  });

  test('impossible requests are refused', () => {
    const rng = Rng.fromSeed(1);
    expect(() => randomSchedule(rng, [0, 1], 5, 6)).toThrow(RangeError);
    expect(() => randomSchedule(rng, [1], 5, 1)).toThrow(RangeError);
    expect(() => randomSchedule(rng, [1, -1], 5, 1)).toThrow(/initial position 0/);
  });
});

describe('quantile and percentile conventions', () => {
  test('quantiles interpolate linearly between order statistics (numpy default)', () => {
    // h = (5 - 1) q: q = 0.05 -> h = 0.2 -> 1 + 0.2 * (2 - 1); q = 0.5 -> 3; q = 0.95 -> h = 3.8 -> 4 + 0.8 * 6.
    const xs = [1, 2, 3, 4, 10];
    expect(quantile(xs, 0.05)).toBeCloseTo(1.2, 12);
    expect(quantile(xs, 0.5)).toBe(3);
    expect(quantile(xs, 0.95)).toBeCloseTo(8.8, 12);
  });

  test('percentile counts values below plus half the ties', () => {
    expect(percentileOf([1, 2, 3, 4], 3)).toBe(62.5); // 2 below + 1/2 tie = 2.5 of 4
    expect(percentileOf([1, 2, 3, 4], 5)).toBe(100);
    expect(percentileOf([2, 2, 2, 2], 2)).toBe(50);
  });
});

describe('schedules played through the real TradingEnv', () => {
  test('schedulePolicy makes runPolicy hold exactly the schedule, and all-long is buy-and-hold', () => {
    const env = envFor(true);
    const schedule = randomSchedule(Rng.fromSeed(4), env.positions, env.length, 15);
    expect([...runPolicy(env, schedulePolicy(env, schedule), metricOptions).positions]).toEqual([...schedule]);
    const evaluate = envScheduleEvaluator(env, metricOptions);
    expect(evaluate(new Float64Array(env.length).fill(1))).toBe(buyAndHold(env, metricOptions).metrics.sharpe);
    expect(() => schedulePolicy(env, schedule.subarray(1))).toThrow(RangeError);
    expect(() => schedulePolicy(envFor(false), schedule)).toThrow(/not available/);
  });

  test('a buy-and-hold-like policy on an up-trending market sits at a high percentile of random policies with its turnover', () => {
    // Long throughout except three 3-bar flat spells: 7 changes (enter, then 3 exits and 3 re-entries). Random
    // schedules with 7 changes are long about half the time. (Plain buy-and-hold has 1 change, and its random
    // peers are buy-and-holds entered at a random later bar: too like it to separate, so it is not the case here.)
    const env = envFor(false);
    const flat = (i: number): boolean => (i >= 50 && i < 53) || (i >= 100 && i < 103) || (i >= 150 && i < 153);
    const kept = Float64Array.from({ length: env.length }, (_, i) => (flat(i) ? 0 : 1));
    const evaluate = envScheduleEvaluator(env, metricOptions);
    const out = chanceDistribution({
      evaluate,
      allowedPositions: env.positions,
      bars: env.length,
      changes: countPositionChanges(kept),
      keptSharpe: evaluate(kept),
      rng: Rng.fromSeed(21),
      draws: 200,
    });
    expect(out.changes).toBe(7);
    expect(out.keptPercentile).toBeGreaterThanOrEqual(95);
    const q = out.quantiles as { p5: number; p50: number; p95: number };
    expect(q.p5).toBeLessThanOrEqual(q.p50);
    expect(q.p50).toBeLessThanOrEqual(q.p95);
    expect(out.keptSharpe).toBeGreaterThan(q.p95);
  });

  test('an always-wrong policy (the opposite of the next bar) sits at a low percentile at its own turnover', () => {
    const env = envFor(true);
    const wrong = Float64Array.from({ length: env.length }, (_, i) => (market.simpleReturns[env.firstDecisionRow + i + 1] > 0 ? -1 : 1));
    const evaluate = envScheduleEvaluator(env, metricOptions);
    const options = {
      evaluate,
      allowedPositions: env.positions,
      bars: env.length,
      changes: countPositionChanges(wrong),
      keptSharpe: evaluate(wrong),
      draws: 200,
    };
    const out = chanceDistribution({ ...options, rng: Rng.fromSeed(22) });
    expect(out.changes).toBeGreaterThan(50);
    expect(out.keptPercentile).toBeLessThanOrEqual(5);
    expect(out.undefinedDraws).toBe(0);
    expect(chanceDistribution({ ...options, rng: Rng.fromSeed(22) }).sharpes).toEqual(out.sharpes);
    expect(chanceDistribution({ ...options, rng: Rng.fromSeed(23) }).sharpes).not.toEqual(out.sharpes);
  });

  test('no change at all leaves every draw flat: no defined Sharpe, null with the reason', () => {
    const env = envFor(false);
    const out = chanceDistribution({
      evaluate: envScheduleEvaluator(env, metricOptions),
      allowedPositions: env.positions,
      bars: env.length,
      changes: 0,
      keptSharpe: null,
      rng: Rng.fromSeed(1),
      draws: 5,
    });
    expect(out).toMatchObject({ quantiles: null, keptPercentile: null, undefinedDraws: 5, reason: 'no random schedule had a defined Sharpe' });
  });
});

describe('chance over a panel', () => {
  test('each draw gives every instrument a schedule over its own bars with its own number of changes, and one instrument draws as before', () => {
    const bars = [40, 25, 60];
    const changes = [3, 0, 17];
    const seen: Float64Array[] = [];
    chanceDistribution({
      evaluate: (s) => {
        seen.push(s.slice());
        return s.reduce((a, x) => a + x, 0);
      },
      allowedPositions: [-1, 0, 1],
      bars,
      changes,
      keptSharpe: 0,
      rng: Rng.fromSeed(4),
      draws: 30,
    });
    for (const s of seen) {
      expect(s).toHaveLength(125);
      let at = 0;
      bars.forEach((b, k) => {
        expect(countPositionChanges(s.subarray(at, at + b))).toBe(changes[k]);
        at += b;
      });
    }
    const draw = (changesOf: number | number[]) => {
      const out: number[][] = [];
      chanceDistribution({
        evaluate: (s) => {
          out.push(Array.from(s));
          return 0;
        },
        allowedPositions: [0, 1],
        bars: 50,
        changes: changesOf,
        keptSharpe: 0,
        rng: Rng.fromSeed(8),
        draws: 5,
      });
      return out;
    };
    expect(draw([7])).toEqual(draw(7));
  });
});
