import { DqnAgent } from '../../src/agent/dqn/dqn-agent.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { configSchema } from '../../src/config/schema.js';
import { TradingEnv } from '../../src/env/trading-env.js';
import { Rng } from '../../src/random/rng.js';
import { trainAgent } from '../../src/training/train-loop.js';
import { marketFor } from '../helpers/market.js';
import { ar1Prices } from '../helpers/synthetic.js';

beforeAll(async () => {
  await selectBackend('wasm');
});

/**
 * A save behind training is a chain of small asynchronous steps (file operations, zip chunks, index updates), each of
 * which continues only when the training loop yields. Here: a "save" of 25 event-loop hops, started at step 1.
 */
async function stepsToFinishSave(reportBusy: boolean): Promise<{ finishedAt: number; weights: Float32Array[] }> {
  const config = configSchema.parse({ env: { lookback: 5 }, agent: { learningStarts: 100, batchSize: 16, layers: [8] } });
  const env = new TradingEnv(marketFor(ar1Prices(1200, 0.5, 0.01, 3), 5, 1100), 0, 1100, config.env);
  const agent = new DqnAgent(config.agent, env.spaces, { rng: Rng.fromSeed(3), timesteps: 1000, rewardScale: 1 });
  let inFlight = false;
  let finishedAt = -1;
  const save = async () => {
    inFlight = true;
    for (let hop = 0; hop < 25; hop++) await new Promise((resolve) => setImmediate(resolve));
    inFlight = false;
    finishedAt = agent.numTimesteps;
  };
  await trainAgent(agent, env, {
    timesteps: 1000,
    callbacks: [{ onStep: ({ step }) => void (step === 1 ? save() : undefined) }],
    backgroundBusy: reportBusy ? () => inFlight : undefined,
  });
  const weights = agent.policyWeights();
  agent.dispose();
  return { finishedAt, weights };
}

test('while work is in flight behind training the loop yields more often, so a save commits within a few dozen steps, and the numbers stay the same', async () => {
  const busy = await stepsToFinishSave(true);
  const idle = await stepsToFinishSave(false);
  // Every 4 steps while busy: 25 hops in about 100 steps; every 32 steps otherwise: about 800.
  expect(busy.finishedAt).toBeGreaterThan(0);
  expect(busy.finishedAt).toBeLessThanOrEqual(110);
  expect(idle.finishedAt).toBeGreaterThan(700);
  expect(busy.weights).toEqual(idle.weights);
});
