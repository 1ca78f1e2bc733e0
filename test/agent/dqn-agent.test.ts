import { DqnAgent } from '../../src/agent/dqn/dqn-agent.js';
import { volatilityRewardScale } from '../../src/agent/reward-scale.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { configSchema } from '../../src/config/schema.js';
import { TradingEnv } from '../../src/env/trading-env.js';
import { Rng } from '../../src/random/rng.js';
import { buyAndHold, runPolicy } from '../../src/training/evaluate.js';
import { trainAgent } from '../../src/training/train-loop.js';
import { modelSnapshot, NetworkSnapshots } from '../../src/store/model-zip.js';
import { marketFor } from '../helpers/market.js';
import { ar1Prices } from '../helpers/synthetic.js';

const metricOptions = { periodsPerYear: 252, riskFreeRate: 0 };

beforeAll(async () => {
  await selectBackend('wasm');
});

function setup(seed: number, agentOverrides: Record<string, unknown> = {}, timesteps = 1500) {
  const config = configSchema.parse({
    env: { lookback: 5 },
    agent: { learningStarts: 200, targetUpdateInterval: 300, batchSize: 32, layers: [32, 32], ...agentOverrides },
  });
  const market = marketFor(ar1Prices(700, 0.5, 0.01, 3), 5, 500);
  const env = new TradingEnv(market, 0, 500, config.env);
  const rng = Rng.fromSeed(seed);
  const agent = new DqnAgent(config.agent, env.spaces, { rng: rng, timesteps: timesteps, rewardScale: 1 });
  return { config, market, env, rng, agent, timesteps };
}

describe('DqnAgent', () => {
  test('the same seed gives the same weights; another seed does not', async () => {
    const a = setup(1);
    const b = setup(1);
    const c = setup(2);
    await trainAgent(a.agent, a.env, { timesteps: 600 });
    await trainAgent(b.agent, b.env, { timesteps: 600 });
    await trainAgent(c.agent, c.env, { timesteps: 600 });
    expect(b.agent.getState()).toEqual(a.agent.getState());
    expect(c.agent.getState().online).not.toEqual(a.agent.getState().online);
    [a, b, c].forEach((s) => s.agent.dispose());
  });

  test.each([
    ['prioritized replay, kernel', true, 'kernel'],
    ['uniform replay, kernel', false, 'kernel'],
    ['prioritized replay, tfjs', true, 'tfjs'],
  ])('saving and restoring mid-run continues exactly as without the stop (%s)', async (_name, prioritized, engine) => {
    const overrides = { replay: { prioritized }, engine };
    const straight = setup(7, overrides);
    await trainAgent(straight.agent, straight.env, { timesteps: straight.timesteps });

    const first = setup(7, overrides);
    const loop = await trainAgent(first.agent, first.env, { timesteps: 900 });
    const saved = { agent: first.agent.getState(), rng: first.rng.getState(), loop };
    first.agent.dispose();

    const second = setup(999, overrides);
    // Resume protocol: build everything as for a fresh start, then restore every state over it.
    const rng = Rng.fromSeed(12345);
    const resumed = new DqnAgent(second.config.agent, second.env.spaces, { rng: rng, timesteps: second.timesteps, rewardScale: 1 });
    resumed.setState(saved.agent);
    rng.setState(saved.rng);
    await trainAgent(resumed, second.env, { timesteps: second.timesteps, resumeFrom: saved.loop });

    expect(resumed.getState()).toEqual(straight.agent.getState());
    expect(resumed.numUpdates).toBe(Math.floor((1500 - 200) / 4));
    [straight.agent, second.agent, resumed].forEach((agent) => agent.dispose());
  });

  test('epsilon holds until learning starts, decays over explorationFraction of the learning steps, then stays', async () => {
    const s = setup(3, { explorationFraction: 0.5, explorationInitial: 1, explorationFinal: 0.1 }, 1000);
    const seen: number[] = [];
    await trainAgent(s.agent, s.env, {
      timesteps: 1000,
      callbacks: [{ every: 250, onMoment: ({ agent }) => void seen.push(agent.stateDiagnostics().epsilon) }],
    });
    // learningStarts 200, 800 learning steps, decay over 400 of them: 1 - 0.9 * 50/400 at 250, 1 - 0.9 * 300/400 at 500.
    expect(seen.map((e) => Number(e.toFixed(6)))).toEqual([0.8875, 0.325, 0.1, 0.1]);
    s.agent.dispose();
  });

  test('learns an AR(1) series: out-of-sample Sharpe clearly above 0 and above buy-and-hold', async () => {
    const config = configSchema.parse({
      env: { lookback: 5 },
      agent: { learningStarts: 500, targetUpdateInterval: 500, explorationFraction: 0.3 },
    });
    const market = marketFor(ar1Prices(1600, 0.5, 0.01, 7), 5, 1000);
    const train = new TradingEnv(market, 0, 1000, config.env);
    const test = new TradingEnv(market, 1000, 1600, config.env);
    const agent = new DqnAgent(config.agent, train.spaces, { rng: Rng.fromSeed(1), timesteps: 4000, rewardScale: 1 });
    // Rewards in units of the training rows' volatility, as the walk-forward scales them (agent.rewardScaling).
    agent.rewardScale = volatilityRewardScale(market.logReturns, 0, 1000);
    await trainAgent(agent, train, { timesteps: 4000 });
    const run = runPolicy(test, (obs) => agent.greedyAction(obs), metricOptions);
    const hold = buyAndHold(test, metricOptions);
    expect(run.metrics.sharpe).toBeGreaterThan(1);
    expect(run.metrics.sharpe as number).toBeGreaterThan((hold.metrics.sharpe as number) + 0.5);
    agent.dispose();
  });
});

describe('NetworkSnapshots (current bests)', () => {
  test.each(['kernel', 'tfjs'])('every snapshot equals what tfjs encodes, and after the first only the weights are copied (%s)', async (engine) => {
    const { agent, env } = setup(4, { engine });
    let exports = 0;
    const snapshots = new NetworkSnapshots(
      () => (exports++, agent.exportPolicy()),
      () => agent.policyWeights(),
    );
    const taken = [];
    for (let i = 0; i < 3; i++) {
      await trainAgent(agent, env, { timesteps: 300 * (i + 1) });
      const snapshot = await snapshots.take();
      const reference = await modelSnapshot(agent.exportPolicy());
      expect(Buffer.from(snapshot.modelJson)).toEqual(Buffer.from(reference.modelJson));
      expect(Buffer.from(snapshot.weights)).toEqual(Buffer.from(reference.weights));
      taken.push(Buffer.from(snapshot.weights));
    }
    expect(exports).toBe(1);
    // Detached copies: later training changed the weights, not the snapshots already taken.
    expect(taken[0]).not.toEqual(taken[2]);
    agent.dispose();
  });
});
