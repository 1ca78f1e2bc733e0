import { createAgent } from '../../src/agent/create.js';
import { DqnAgent } from '../../src/agent/dqn/dqn-agent.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { configSchema } from '../../src/config/schema.js';
import { Rng } from '../../src/random/rng.js';
import { spacesFor } from '../helpers/spaces.js';

const OBS_DIM = 9;

/** Two agents of one seed and settings (so the same network), each with its own generator of that seed. */
function twins(agentSettings: Record<string, unknown>, seed: number) {
  const config = configSchema.parse({ agent: { batchSize: 16, layers: [13, 6], ...agentSettings } }).agent;
  const spaces = spacesFor(OBS_DIM, 3);
  return [0, 1].map(() => {
    const rng = Rng.fromSeed(seed);
    return { rng, agent: createAgent(config, spaces, { rng, timesteps: 10_000, rewardScale: 1 }) };
  });
}

function randomObs(count: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  return Float32Array.from({ length: count * OBS_DIM }, () => rng.normal());
}

/** `count` successive act() calls, one per observation. */
function actOneByOne(agent: { act(obs: Float32Array): number }, obs: Float32Array, count: number): number[] {
  return Array.from({ length: count }, (_, i) => agent.act(obs.subarray(i * OBS_DIM, (i + 1) * OBS_DIM)));
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('actAll: the training-time actions of a panel, one observation per instrument', () => {
  // Counts around the kernel's batch of 16: one row, a few, exactly one batch, several batches and a remainder.
  const counts = [1, 3, 16, 50, 131];
  test.each([
    ['dqn before learningStarts (uniform)', { learningStarts: 1000 }, 0],
    ['dqn at epsilon 1', { learningStarts: 0, explorationInitial: 1, explorationFinal: 1 }, 0],
    ['dqn at epsilon 0 (all greedy)', { learningStarts: 0, explorationInitial: 0, explorationFinal: 0 }, 0],
    ['dqn at epsilon 0.3', { learningStarts: 0, explorationInitial: 0.3, explorationFinal: 0.3 }, 0],
    ['dqn after learningStarts, epsilon decaying (default schedule)', { learningStarts: 100 }, 2000],
    ['dqn at epsilon 0.3 on the tfjs engine', { learningStarts: 0, explorationInitial: 0.3, explorationFinal: 0.3, engine: 'tfjs' }, 0],
    ['linear (uniform while training)', { algorithm: 'linear' }, 0],
  ])('%s: the actions and the generator state after are those of successive act() calls', (_name, settings, timesteps) => {
    for (const [k, count] of counts.entries()) {
      const [single, panel] = twins(settings, 40 + k);
      // As if that many environment steps had been taken (epsilon and the warm-up follow the count).
      for (const { agent } of [single, panel]) (agent as { numTimesteps: number }).numTimesteps = timesteps;
      const obs = randomObs(count, k);
      const expected = actOneByOne(single.agent, obs, count);
      const out = new Int32Array(count + 1).fill(-1);
      // Twice on the same agent: the scratch rows kept from the first call must not leak into the second.
      expect(Array.from(panel.agent.actAll(obs, count, out).subarray(0, count))).toEqual(expected);
      expect(panel.rng.getState()).toEqual(single.rng.getState());
      expect(out[count]).toBe(-1);
      const obs2 = randomObs(count, 100 + k);
      expect(Array.from(panel.agent.actAll(obs2, count, out).subarray(0, count))).toEqual(actOneByOne(single.agent, obs2, count));
      expect(panel.rng.getState()).toEqual(single.rng.getState());
      single.agent.dispose();
      panel.agent.dispose();
    }
  });

  test('a panel of one is act(): the same action and generator state, over 200 steps of a decaying epsilon', () => {
    const [single, panel] = twins({ learningStarts: 50, explorationFraction: 0.02 }, 3);
    const out = new Int32Array(1);
    const actions: number[] = [];
    for (let t = 0; t < 200; t++) {
      const obs = randomObs(1, t);
      const a = single.agent.act(obs);
      expect(panel.agent.actAll(obs, 1, out)[0]).toBe(a);
      actions.push(a);
      single.agent.onStep();
      panel.agent.onStep();
    }
    expect(panel.rng.getState()).toEqual(single.rng.getState());
    expect(new Set(actions).size).toBe(3);
  });

  test('at epsilon 0 the greedy actions vary from instrument to instrument (the comparison is of decisions)', () => {
    const [{ agent }] = twins({ learningStarts: 0, explorationInitial: 0, explorationFinal: 0 }, 5);
    const out = agent.actAll(randomObs(131, 9), 131, new Int32Array(131));
    expect(new Set(out).size).toBeGreaterThan(1);
    agent.dispose();
  });

  test('too few observations or too short an output is a RangeError naming the counts', () => {
    const [{ agent }] = twins({}, 1);
    expect(() => agent.actAll(new Float32Array(2 * OBS_DIM), 3, new Int32Array(3))).toThrow(/3 observations of 9 values need 27 numbers, got 18/);
    expect(() => agent.actAll(new Float32Array(3 * OBS_DIM), 3, new Int32Array(2))).toThrow(/3 actions need an output of at least 3, got 2/);
    agent.dispose();
  });
});

describe('greedyActions: one batched forward pass, the same actions as greedyAction row by row', () => {
  test.each([['kernel'], ['tfjs']])('engine %s, 300 observations (several kernel batches)', (engine) => {
    const [{ agent }] = twins({ engine, layers: [37, 22] }, 8);
    const dqn = agent as DqnAgent;
    const count = 300;
    const obs = randomObs(count, 2);
    const batched = Array.from(dqn.greedyActions(obs, count));
    const rowByRow = Array.from({ length: count }, (_, i) => dqn.greedyAction(obs.subarray(i * OBS_DIM, (i + 1) * OBS_DIM)));
    expect(batched).toEqual(rowByRow);
    expect(new Set(batched).size).toBeGreaterThan(1);
    expect(Array.from(dqn.greedyActions(obs, 0))).toEqual([]);
    dqn.dispose();
  });
});
