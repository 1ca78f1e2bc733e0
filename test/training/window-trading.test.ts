import { DqnAgent } from '../../src/agent/dqn/dqn-agent.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { configSchema } from '../../src/config/schema.js';
import { computeFeatures } from '../../src/data/features.js';
import { windowMarket } from '../../src/env/market.js';
import { panelWindowMarket } from '../../src/env/panel-market.js';
import { Rng } from '../../src/random/rng.js';
import { panelWindowTrading, singleWindowTrading, type WindowTrading } from '../../src/training/window-trading.js';
import type { Window } from '../../src/windows/build-windows.js';
import { ar1Prices } from '../helpers/synthetic.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

const config = configSchema.parse({
  env: { lookback: 4, costBps: 10, slippageBps: 2 },
  agent: { learningStarts: 100, batchSize: 16, layers: [8], targetUpdateInterval: 200, bufferSize: 2000 },
});
const metricOptions = { periodsPerYear: 252, riskFreeRate: 0 };
const window: Window = {
  iteration: 1,
  train: { start: 0, end: 500 },
  validation: { start: 500, end: 650 },
  test: { start: 650, end: 800 },
  partial: false,
};
const featuresOf = (seed: number, phi = 0.3) => computeFeatures(ar1Prices(800, phi, 0.01, seed), config.env, config.features);

/** Trains a fresh agent of seed 5 on the window and returns what it learned and how it then trades each segment. */
async function trainAndRun(trading: WindowTrading) {
  const agent = new DqnAgent(config.agent, trading.spaces, {
    rng: Rng.fromSeed(5),
    timesteps: 900,
    rewardScale: trading.agentRewardScale('train-volatility'),
    transitionsPerStep: trading.instruments,
  });
  const episodes: number[] = [];
  const loop = await trading.train(agent, 'train-volatility', {
    timesteps: 900,
    callbacks: [{ onEpisodeEnd: ({ reward }) => void episodes.push(reward) }],
  });
  const policy = {
    action: (obs: Float32Array) => agent.greedyAction(obs),
    actions: (obs: Float32Array, n: number, out: Int32Array) => void agent.greedyActions(obs, n, out),
  };
  const test = trading.run(window.test, policy);
  const out = {
    weights: agent.policyWeights(),
    replay: agent.replay.getState(),
    loop: { ...loop, envPositions: undefined, envPosition: undefined },
    episodes,
    validation: trading.run(window.validation!, policy).returns,
    test: test.returns,
    positions: test.positions,
    hold: trading.hold(window.test, 1).returns,
    market: trading.marketReturns(test),
    chance: trading.chance(window.test, test, Rng.fromSeed(9), 50).sharpes,
  };
  agent.dispose();
  return out;
}

test('a panel of one shown its features as they are trains, trades, holds and draws chance exactly as the one-instrument path does', async () => {
  const features = featuresOf(11);
  const single = singleWindowTrading(windowMarket(features, window), config.env, metricOptions);
  const panel = panelWindowTrading(
    panelWindowMarket([features], window, ['X'], ['X']),
    { ...config.env, weighting: 'equal', portfolioFeatures: false, crossSection: 'none' },
    metricOptions,
  );
  expect(await trainAndRun(panel)).toEqual(await trainAndRun(single));
});

test('a panel stores one transition per instrument per date and scales each instrument by its own training volatility', async () => {
  const sets = [featuresOf(21), featuresOf(22, -0.2)];
  const panel = panelWindowTrading(
    panelWindowMarket(sets, window, ['A', 'B'], ['A', 'B']),
    { ...config.env, weighting: 'equal', portfolioFeatures: true },
    metricOptions,
  );
  expect(panel.spaces.observation.names.slice(-2)).toEqual(['exposure', 'position']);
  expect(panel.agentRewardScale('train-volatility')).toBe(1);
  const agent = new DqnAgent(config.agent, panel.spaces, { rng: Rng.fromSeed(5), timesteps: 300, rewardScale: 1, transitionsPerStep: 2 });
  const loop = await panel.train(agent, 'train-volatility', { timesteps: 300 });
  expect(agent.numTimesteps).toBe(300);
  expect(agent.replay.size).toBe(600);
  expect(loop.envPositions).toHaveLength(2);
  agent.dispose();
});

test.each([
  ['sqrt', 3],
  ['same', 1],
  ['perInstrument', 5],
] as const)('a panel of five takes agent.gradientSteps times %s gradient steps per phase (%i)', async (panelGradientSteps, perPhase) => {
  const symbols = ['A', 'B', 'C', 'D', 'E'];
  const panel = panelWindowTrading(
    panelWindowMarket(
      symbols.map((_, k) => featuresOf(31 + k)),
      window,
      symbols,
      symbols,
    ),
    { ...config.env, weighting: 'equal', portfolioFeatures: false },
    metricOptions,
  );
  const agentConfig = { ...config.agent, gradientSteps: 2, panelGradientSteps };
  const agent = new DqnAgent(agentConfig, panel.spaces, { rng: Rng.fromSeed(5), timesteps: 300, rewardScale: 1, transitionsPerStep: 5 });
  await panel.train(agent, 'train-volatility', { timesteps: 300 });
  // Phases after learningStarts (100), every trainFreq (4) dates.
  expect(agent.numUpdates).toBe(((300 - 100) / 4) * 2 * perPhase);
  agent.dispose();
});
