import { createBatch, ReplayBuffer } from '../../src/agent/dqn/replay/replay-buffer.js';
import { MlpKernel } from '../../src/agent/kernel/mlp-kernel.js';
import { Rng } from '../../src/random/rng.js';

/**
 * A kernel of these layer sizes with random weights, and random positive biases so that even a layer of one unit is
 * mostly alive (Q-values that vary from row to row, and no ties by construction).
 */
function randomKernel(sizes: number[], maxBatch: number, seed: number): MlpKernel {
  const kernel = new MlpKernel(sizes, maxBatch);
  const rng = Rng.fromSeed(seed);
  const draw = (shape: number[]) => (shape.length === 1 ? () => 0.2 + 0.5 * rng.next() : () => rng.normal() * 0.5);
  kernel.setOnline(kernel.shapes.map((shape) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, draw(shape))));
  kernel.copyTarget();
  return kernel;
}

function randomObs(count: number, dim: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: count * dim }, () => rng.normal());
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** The first index of the largest value, as tf.argMax and the kernel's greedy() pick. */
function firstArgmax(q: Float32Array): number {
  let best = 0;
  for (let a = 1; a < q.length; a++) if (q[a] > q[best]) best = a;
  return best;
}

describe('the kernel acts on a batch of observations exactly as on each alone', () => {
  test.each([
    ['the default 32x32 network', [7, 32, 32, 3], 8],
    ['odd hidden sizes (37, 22, 9), 5 actions', [31, 37, 22, 9, 5], 6],
    ['hidden layers of 1 and 2 units', [3, 1, 2, 3], 5],
    ['no hidden layer', [6, 3], 4],
    ['widths of 8 and 4 exactly', [9, 8, 4], 3],
    ['a batch of one', [7, 13, 3], 1],
  ])(
    '%s: for every count 0..2 x maxBatch + 5, each row of the batched pass has bit for bit the Q-values of greedy() alone, and its action',
    (_name, sizes, maxBatch) => {
      const kernel = randomKernel(sizes, maxBatch, sizes.length * 100 + maxBatch);
      const rng = Rng.fromSeed(7);
      const dim = sizes[0];
      const nA = sizes[sizes.length - 1];
      const seen = new Set<number>();
      const firstQ = new Set<number>();
      for (let count = 0; count <= 2 * maxBatch + 5; count++) {
        const obs = randomObs(count, dim, rng);
        const out = new Int32Array(count + 2).fill(-1);
        const q = kernel.qValuesBatch(obs, count);
        kernel.greedyBatch(obs, count, out);
        for (let i = 0; i < count; i++) {
          const row = obs.subarray(i * dim, (i + 1) * dim);
          const alone = kernel.qValues(row);
          expect(bits(q.subarray(i * nA, (i + 1) * nA))).toEqual(bits(alone));
          expect(out[i]).toBe(kernel.greedy(row));
          expect(out[i]).toBe(firstArgmax(alone));
          seen.add(out[i]);
          firstQ.add(alone[0]);
        }
        // Only the first `count` entries are written.
        expect(Array.from(out.subarray(count))).toEqual([-1, -1]);
      }
      // The networks are not constant: the comparisons above are of values and decisions, not one repeated answer.
      expect(firstQ.size).toBeGreaterThan(2 * maxBatch);
      expect(seen.size).toBeGreaterThan(1);
    },
  );

  test('tied Q-values go to the lowest of the tied actions in every row, as greedy() does', () => {
    const kernel = new MlpKernel([4, 5, 4], 3);
    const [w1, b1, w2] = kernel.shapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
    w1.fill(0.3);
    const rng = Rng.fromSeed(1);
    const obs = randomObs(7, 4, rng);
    const out = new Int32Array(7);
    // With a zero output layer every Q-value is its bias: [0.5, 2, 2, 1] ties actions 1 and 2, all equal ties all.
    for (const [bias, expected] of [
      [[0.5, 2, 2, 1], 1],
      [[1, 1, 1, 1], 0],
      [[0, 0, 0, 3], 3],
    ] as const) {
      kernel.setOnline([w1, b1, w2, Float32Array.from(bias)]);
      kernel.greedyBatch(obs, 7, out);
      expect(Array.from(out)).toEqual(new Array(7).fill(expected));
      expect(kernel.greedy(obs.subarray(0, 4))).toBe(expected);
    }
  });

  test('acting on a batch between updates changes no number the updates compute', () => {
    const sizes = [7, 32, 32, 3];
    const [quiet, acting] = [randomKernel(sizes, 32, 5), randomKernel(sizes, 32, 5)];
    const replay = new ReplayBuffer({ capacity: 200, obsDim: 7, prioritized: false, alpha: 0.6, priorityEpsilon: 1e-6 });
    const rng = Rng.fromSeed(9);
    for (let i = 0; i < 200; i++) replay.add(randomObs(1, 7, rng), rng.int(3), 0.01 * rng.normal(), randomObs(1, 7, rng), rng.next() < 0.05);
    const batch = createBatch(32, 7);
    const args = {
      gamma: 0.99,
      doubleDqn: true,
      huberDelta: 1,
      maxNorm: 10,
      stepSize: 1e-3,
      rootCorrection: 0.1,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      decay: 1,
    };
    const panel = randomObs(50, 7, rng);
    const out = new Int32Array(50);
    for (let k = 0; k < 20; k++) {
      const b = replay.sample(rng, 0.4, batch);
      const a = quiet.train(b, args);
      const lossA = a.loss;
      const tdA = bits(a.absTd.slice());
      acting.greedyBatch(panel, 50, out);
      const c = acting.train(b, args);
      expect(c.loss).toBe(lossA);
      expect(bits(c.absTd.slice())).toEqual(tdA);
    }
    expect(acting.getOnline().map(bits)).toEqual(quiet.getOnline().map(bits));
    expect(acting.getMoments().v.map(bits)).toEqual(quiet.getMoments().v.map(bits));
  });

  test('too few observations or too short an output is a RangeError naming the counts', () => {
    const kernel = randomKernel([4, 8, 3], 4, 1);
    expect(() => kernel.greedyBatch(new Float32Array(11), 3, new Int32Array(3))).toThrow(/3 observations of 4 values need 12 numbers, got 11/);
    expect(() => kernel.greedyBatch(new Float32Array(12), 3, new Int32Array(2))).toThrow(/3 actions need an output of at least 3, got 2/);
    expect(() => kernel.greedyBatch(new Float32Array(12), 1.5, new Int32Array(3))).toThrow(/count must be a whole number/);
    expect(() => new MlpKernel([4, 3], 0)).toThrow(/batch size must be a whole number >= 1, got 0/);
  });
});
