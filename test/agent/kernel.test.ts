import { DqnAgent } from '../../src/agent/dqn/dqn-agent.js';
import { createBatch, ReplayBuffer } from '../../src/agent/dqn/replay/replay-buffer.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { configSchema } from '../../src/config/schema.js';
import { Rng } from '../../src/random/rng.js';
import { spacesFor } from '../helpers/spaces.js';

const maxDiff = (a: ArrayLike<number>[], b: ArrayLike<number>[]) =>
  Math.max(0, ...a.flatMap((w, i) => Array.from(w as ArrayLike<number>, (v, j) => Math.abs(v - (b[i] as ArrayLike<number>)[j]))));

/** Two agents of one seed, one per engine, and a replay buffer of random transitions to feed both the same batches. */
function setup(agentSettings: Record<string, unknown>, obsDim = 31, nActions = 3) {
  const config = (engine: 'tfjs' | 'kernel') => configSchema.parse({ agent: { ...agentSettings, engine, learningStarts: 0 } }).agent;
  const spaces = spacesFor(obsDim, nActions);
  const tfjs = new DqnAgent(config('tfjs'), spaces, { rng: Rng.fromSeed(11), timesteps: 5000, rewardScale: 1 });
  const kernel = new DqnAgent(config('kernel'), spaces, { rng: Rng.fromSeed(11), timesteps: 5000, rewardScale: 1 });
  const c = config('kernel');
  const replay = new ReplayBuffer({ capacity: 500, obsDim, prioritized: true, alpha: 0.6, priorityEpsilon: 1e-6 });
  const rng = Rng.fromSeed(3);
  for (let i = 0; i < 300; i++) {
    const o = Float32Array.from({ length: obsDim }, () => rng.normal());
    const n = Float32Array.from({ length: obsDim }, () => rng.normal());
    replay.add(o, rng.int(nActions), 0.02 * rng.normal(), n, rng.next() < 0.05);
  }
  const settings = { gamma: c.gamma, doubleDqn: c.doubleDqn, huberDelta: c.huberDelta, maxGradNorm: c.maxGradNorm, weightDecay: c.weightDecay };
  const batch = createBatch(c.batchSize, obsDim);
  return { tfjs, kernel, replay, rng, settings, batch, probe: Float32Array.from({ length: obsDim }, () => rng.normal()) };
}

describe('the WebAssembly kernel agrees with the tfjs reference', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  test.each([
    ['default network, double DQN', {}],
    ['plain DQN, MSE-like Huber', { doubleDqn: false, huberDelta: 100 }],
    ['three odd-sized hidden layers, clipping that bites', { layers: [37, 22, 9], maxGradNorm: 0.01 }],
    ['a batch not divisible by 4', { batchSize: 30 }],
    ['AdamW weight decay that bites (9% a step)', { weightDecay: 300 }],
  ])(
    '%s: the same Q-values, and after each of 30 updates on the same batches the same TD errors, loss, weights and Adam state within 1e-5',
    (_name, settings) => {
      const s = setup(settings);
      const q = [s.tfjs.qValues(s.probe), s.kernel.qValues(s.probe)];
      expect(maxDiff([q[0]], [q[1]])).toBeLessThan(1e-5);
      for (let k = 0; k < 30; k++) {
        const b = s.replay.sample(s.rng, 0.5, s.batch);
        const a = s.tfjs.learner.update(b, s.settings);
        const tdA = Array.from(a.absTd);
        const c = s.kernel.learner.update(b, s.settings);
        expect(maxDiff([tdA], [c.absTd])).toBeLessThan(1e-5);
        expect(Math.abs(a.stats.loss - c.stats.loss)).toBeLessThan(1e-5 * Math.max(1, a.stats.loss));
        expect(Math.abs(a.stats.maxAbsQ - c.stats.maxAbsQ)).toBeLessThan(1e-5);
        s.replay.updatePriorities(b.indices, tdA);
        if (k % 10 === 9) {
          s.tfjs.learner.syncTarget();
          s.kernel.learner.syncTarget();
        }
      }
      const sa = s.tfjs.getState(false);
      const sb = s.kernel.getState(false);
      expect(maxDiff(sa.online, sb.online)).toBeLessThan(1e-5);
      expect(maxDiff(sa.target, sb.target)).toBeLessThan(1e-5);
      expect(maxDiff(sa.optimizer.m, sb.optimizer.m)).toBeLessThan(1e-5);
      expect(maxDiff(sa.optimizer.v, sb.optimizer.v)).toBeLessThan(1e-5);
      expect(sb.optimizer.step).toBe(30);
      const q2 = [s.tfjs.qValues(s.probe), s.kernel.qValues(s.probe)];
      expect(maxDiff([q2[0]], [q2[1]])).toBeLessThan(1e-5);
      s.tfjs.dispose();
      s.kernel.dispose();
    },
  );

  test('state moves between engines, and the exported tfjs model holds exactly the kernel weights', () => {
    const s = setup({});
    for (let k = 0; k < 10; k++) s.tfjs.learner.update(s.replay.sample(s.rng, 0.5, s.batch), s.settings);
    s.kernel.setState(s.tfjs.getState(false));
    for (let k = 0; k < 10; k++) {
      const b = s.replay.sample(s.rng, 0.5, s.batch);
      s.tfjs.learner.update(b, s.settings);
      s.kernel.learner.update(b, s.settings);
    }
    expect(maxDiff(s.tfjs.getState(false).online, s.kernel.getState(false).online)).toBeLessThan(1e-5);
    const exported = s.kernel
      .exportPolicy()
      .getWeights()
      .map((t) => t.dataSync() as Float32Array);
    expect(maxDiff(exported, s.kernel.getState(false).online)).toBe(0);
    expect(s.kernel.greedyAction(s.probe)).toBe(s.tfjs.greedyAction(s.probe));
    s.tfjs.dispose();
    s.kernel.dispose();
  });
});
