import { SumTree } from '../../src/agent/dqn/replay/sum-tree.js';
import { createBatch, ReplayBuffer } from '../../src/agent/dqn/replay/replay-buffer.js';
import { Rng } from '../../src/random/rng.js';

describe('SumTree', () => {
  test.each([1, 2, 5, 8, 13, 100])('root equals the sum of leaves after updates (capacity %i)', (capacity) => {
    const tree = new SumTree(capacity);
    const rng = Rng.fromSeed(capacity);
    const values = new Float64Array(capacity);
    for (let k = 0; k < 200; k++) {
      const i = rng.int(capacity);
      values[i] = rng.next() * 10;
      tree.update(i, values[i]);
    }
    expect(tree.total).toBeCloseTo(
      values.reduce((a, b) => a + b, 0),
      3,
    );
  });

  test.each([3, 7, 10])('samples leaves in proportion to their values (capacity %i)', (capacity) => {
    const tree = new SumTree(capacity);
    const weights = Array.from({ length: capacity }, (_, i) => i + 1);
    weights.forEach((w, i) => tree.update(i, w));
    const rng = Rng.fromSeed(42);
    const counts = new Array(capacity).fill(0);
    const draws = 60_000;
    for (let k = 0; k < draws; k++) counts[tree.find(rng.next() * tree.total)]++;
    const total = weights.reduce((a, b) => a + b, 0);
    // Chi-square against the expected proportions; the 0.999 quantile for <= 9 degrees of freedom is below 28.
    const chi2 = counts.reduce((acc, c, i) => acc + (c - (draws * weights[i]) / total) ** 2 / ((draws * weights[i]) / total), 0);
    expect(chi2).toBeLessThan(28);
  });

  test('never returns a zero-priority leaf, even for a value at the total', () => {
    const tree = new SumTree(6);
    tree.update(0, 1);
    tree.update(1, 2);
    expect([tree.find(0), tree.find(0.999), tree.find(1), tree.find(3), tree.find(10)]).toEqual([0, 0, 1, 1, 1]);
  });
});

describe('ReplayBuffer', () => {
  const obsDim = 3;
  const fill = (buffer: ReplayBuffer, count: number) => {
    for (let i = 0; i < count; i++) buffer.add(Float32Array.of(i, i, i), i % 3, i / 10, Float32Array.of(i + 1, i + 1, i + 1), i % 7 === 0);
  };

  test('wraps around at capacity and samples only stored transitions', () => {
    const buffer = new ReplayBuffer({ capacity: 5, obsDim, prioritized: false, alpha: 0.6, priorityEpsilon: 1e-6 });
    fill(buffer, 8);
    expect(buffer.size).toBe(5);
    const batch = buffer.sample(Rng.fromSeed(1), 0.4, createBatch(64, obsDim));
    const firstObs = Array.from({ length: 64 }, (_, k) => batch.obs[k * obsDim]);
    expect(new Set(firstObs)).toEqual(new Set([3, 4, 5, 6, 7]));
    for (let k = 0; k < 64; k++) expect(batch.nextObs[k * obsDim]).toBe(batch.obs[k * obsDim] + 1);
  });

  test('new transitions enter at the highest priority seen; importance weights are normalized by the batch maximum', () => {
    const buffer = new ReplayBuffer({ capacity: 4, obsDim, prioritized: true, alpha: 1, priorityEpsilon: 1e-6 });
    fill(buffer, 2);
    buffer.updatePriorities(Int32Array.of(0, 1), [3, 1]);
    fill(buffer, 1);
    const state = buffer.getState();
    expect(Array.from(state.priorities)).toEqual([expect.closeTo(3, 5), expect.closeTo(1, 5), expect.closeTo(3, 5)]);
    const batch = buffer.sample(Rng.fromSeed(3), 1, createBatch(32, obsDim));
    const total = 7;
    for (let k = 0; k < 32; k++) {
      const p = state.priorities[batch.indices[k]] / total;
      const expected = (3 * p) ** -1 / (3 * (1 / total)) ** -1;
      expect(batch.weights[k]).toBeCloseTo(expected, 4);
    }
    expect(Math.max(...batch.weights)).toBeCloseTo(1, 6);
  });

  test('sampling follows priorities: a slot with 9x the priority is drawn about 9x as often', () => {
    const buffer = new ReplayBuffer({ capacity: 2, obsDim, prioritized: true, alpha: 1, priorityEpsilon: 0 });
    fill(buffer, 2);
    buffer.updatePriorities(Int32Array.of(0, 1), [9, 1]);
    const rng = Rng.fromSeed(5);
    const batch = createBatch(1, obsDim);
    let zero = 0;
    for (let k = 0; k < 20_000; k++) if (buffer.sample(rng, 0.4, batch).indices[0] === 0) zero++;
    expect(zero / 20_000).toBeGreaterThan(0.88);
    expect(zero / 20_000).toBeLessThan(0.92);
  });

  test('state round-trips: a restored buffer samples exactly what the original samples', () => {
    const a = new ReplayBuffer({ capacity: 10, obsDim, prioritized: true, alpha: 0.6, priorityEpsilon: 1e-6 });
    fill(a, 13);
    a.updatePriorities(Int32Array.of(2, 5), [0.5, 4]);
    const b = new ReplayBuffer({ capacity: 10, obsDim, prioritized: true, alpha: 0.6, priorityEpsilon: 1e-6 });
    b.setState(a.getState());
    const sa = a.sample(Rng.fromSeed(9), 0.5, createBatch(16, obsDim));
    const sb = b.sample(Rng.fromSeed(9), 0.5, createBatch(16, obsDim));
    expect(sb).toEqual(sa);
    fill(a, 1);
    fill(b, 1);
    expect(b.getState()).toEqual(a.getState());
  });

  test('storage per transition stays within 2 x observation x 4 + 16 bytes', () => {
    const buffer = new ReplayBuffer({ capacity: 1000, obsDim: 31, prioritized: true, alpha: 0.6, priorityEpsilon: 1e-6 });
    expect(buffer.bytesPerTransition).toBeLessThanOrEqual(2 * 31 * 4 + 16);
  });
});
