import { TradingEnv } from '../../src/env/trading-env.js';
import { runPolicy } from '../../src/training/evaluate.js';
import { nextPosition } from '../../src/training/next-position.js';
import { marketFor } from '../helpers/market.js';
import { ar1Prices } from '../helpers/synthetic.js';

const settings = { allowShort: true, costBps: 0, slippageBps: 0 };
const PLAIN = { periodsPerYear: 252, riskFreeRate: 0 };

describe('nextPosition: the decision at the close of the newest bar', () => {
  const market = marketFor(ar1Prices(120, 0.3, 0.01, 5), 4, 60);
  const dim = market.featureDim;
  // A policy that reads the row from the observation's first feature, and the position held from its last element:
  // the action it takes depends on both, so a decision at the wrong row or with the wrong position shows.
  const rowOf = (obs: Float32Array) => Array.from({ length: 120 }, (_, t) => t).find((t) => market.features[t * dim] === obs[0]) as number;
  const policy = { action: (obs: Float32Array) => (rowOf(obs) * 7 + (obs[dim] + 1) * 3) % 3 };

  test.each([100, 101, 119, 120])('over rows [70, %i): the path of evaluation from flat, then one decision at the last row', (end) => {
    const decision = nextPosition(new TradingEnv(market, 70, end, settings), policy, end, null);
    // Evaluation over a longer segment decides at the same rows from the same start: its position into bar `end`.
    const longer = new TradingEnv(market, 70, Math.min(end + 1, 120), settings);
    const run = runPolicy(longer, (obs) => policy.action(obs), PLAIN);
    const bars = Array.from(run.rows);
    expect(decision.row).toBe(end - 1);
    expect(decision.held).toEqual([run.positions[bars.indexOf(end - 1)]]);
    if (end < 120) expect(longer.positions[decision.actions[0]]).toBe(run.positions[bars.indexOf(end)]);
    expect(decision.actions[0]).toBe(policy.action(decision.observations[0]));
    expect(rowOf(decision.observations[0])).toBe(end - 1);
    expect(decision.observations[0][dim]).toBe(decision.held[0]);
  });

  test('a position held now replaces the path', () => {
    const decision = nextPosition(new TradingEnv(market, 70, 110, settings), policy, 110, -1);
    expect(decision.held).toEqual([-1]);
    expect(decision.observations[0][dim]).toBe(-1);
    expect(decision.actions[0]).toBe((109 * 7 + 0) % 3);
  });
});
