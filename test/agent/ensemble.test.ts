import type * as TF from '@tensorflow/tfjs';
import { join } from 'node:path';
import { buildVoteModel, ranksFromScores, voteWeight, VotePolicy } from '../../src/agent/ensemble.js';
import { QNetwork } from '../../src/agent/q-network.js';
import { tf } from '../../src/backend/tf.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { Rng } from '../../src/random/rng.js';
import { loadModelZip, saveModelZip, voteOf, type ModelMetadata } from '../../src/store/model-zip.js';
import { trainingMetadata } from '../helpers/metadata.js';
import { tempDir } from '../helpers/temp.js';

const obsDim = 5;
const hidden = [8, 8];

function members(count: number, nActions: number, seed: number): Float32Array[][] {
  return Array.from({ length: count }, (_, k) => {
    const net = new QNetwork(obsDim, hidden, nActions);
    net.initialize(Rng.fromSeed(seed + k));
    const w = net.getWeights();
    net.dispose();
    return w;
  });
}

function observations(count: number, seed: number): Float32Array[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: obsDim }, () => 4 * rng.next() - 2));
}

describe('majority vote of Q-networks', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  test('ranks: the highest score ranks highest; equal scores rank the lower seed higher; null ranks lowest', () => {
    expect(ranksFromScores([0.5, 2, 1])).toEqual([0, 2, 1]);
    expect(ranksFromScores([1, 1, null])).toEqual([2, 1, 0]);
    // The bonuses of all members together stay under one vote.
    expect([0, 1, 2].reduce((a, r) => a + voteWeight(r, 3) - 1, 0)).toBeLessThan(1);
  });

  test('the most votes win; a tie goes to the action of the best-ranked voter among the tied', () => {
    // Three fixed networks: zero kernels, and biases that make each prefer one action whatever the observation.
    const prefer = (action: number, nActions: number) => {
      const net = new QNetwork(obsDim, [], nActions);
      const w = net.getWeights().map((a) => a.fill(0));
      w[1][action] = 1;
      net.dispose();
      return w;
    };
    const obs = new Float32Array(obsDim);
    const vote = (actions: number[], ranks: number[]) => {
      const p = new VotePolicy(
        { obsDim, hidden: [], nActions: 3, ranks },
        actions.map((a) => prefer(a, 3)),
      );
      try {
        return p.action(obs);
      } finally {
        p.dispose();
      }
    };
    expect(vote([2, 2, 0], [2, 1, 0])).toBe(2); // majority, against the best-ranked member
    expect(vote([0, 1, 2], [0, 2, 1])).toBe(1); // three-way tie: member 1 ranks highest
    expect(vote([1, 0], [0, 1])).toBe(0);
    expect(vote([1, 0], [1, 0])).toBe(1);
  });

  test.each([
    { m: 2, nActions: 2, seed: 3 },
    { m: 3, nActions: 3, seed: 11 },
    { m: 5, nActions: 3, seed: 40 },
  ])('a vote zip of $m members loads as one LayersModel whose argmax is the exact vote on every observation', async ({ m, nActions, seed }) => {
    const weights = members(m, nActions, seed);
    const ranks = ranksFromScores(Array.from({ length: m }, (_, k) => (k * 7) % m));
    const spec = { obsDim, hidden, nActions, ranks };
    const file = join(tmp.dir, `vote-${m}.zip`);
    const model = buildVoteModel(spec, weights);
    const metadata: ModelMetadata = {
      ...trainingMetadata(100, obsDim),
      kind: 'model',
      ensemble: { rule: 'vote', hidden, members: ranks.map((rank, k) => ({ seed: k, step: 100, score: null, rank })) },
    };
    await saveModelZip(file, model, metadata);
    model.dispose();

    const loaded = await loadModelZip(file);
    const vote = voteOf(loaded);
    expect(vote?.ranks).toEqual(ranks);
    expect(vote?.members).toEqual(weights);
    const exact = new VotePolicy(spec, vote?.members ?? []);
    let disagreements = 0;
    let ties = 0;
    try {
      for (const obs of observations(400, seed)) {
        const fromFile = tf.tidy(() => tf.argMax(loaded.model.predict(tf.tensor2d(obs, [1, obsDim])) as TF.Tensor2D, 1).dataSync()[0]);
        if (fromFile !== exact.action(obs)) disagreements++;
        const greedy = new Set(weights.map((w) => greedyOf(w, nActions, obs)));
        if (greedy.size > 1) ties++;
      }
    } finally {
      exact.dispose();
      loaded.model.dispose();
    }
    expect(disagreements).toBe(0);
    // The members do disagree on some observations, so the tie-break and the majority are both exercised.
    expect(ties).toBeGreaterThan(0);
  });

  test.each([
    { m: 3, nActions: 3, layers: [8, 8], seed: 5 },
    { m: 2, nActions: 2, layers: [31, 17], seed: 9 },
    { m: 4, nActions: 3, layers: [], seed: 21 },
  ])('members on the kernel vote exactly as on tfjs: $m members, layers $layers', ({ m, nActions, layers, seed }) => {
    const weights = Array.from({ length: m }, (_, k) => {
      const net = new QNetwork(obsDim, layers, nActions);
      net.initialize(Rng.fromSeed(seed + k));
      // Non-zero biases, as a trained network has, so that ReLUs switch on and off across observations.
      const w = net.getWeights().map((a) => a.map((x, i) => x + 0.1 * Math.sin(i + k)));
      net.dispose();
      return w;
    });
    const spec = { obsDim, hidden: layers, nActions, ranks: ranksFromScores(Array.from({ length: m }, (_, k) => k % 2)) };
    const fast = new VotePolicy(spec, weights);
    const reference = new VotePolicy(spec, weights, 'tfjs');
    const actions = { fast: [] as number[], reference: [] as number[] };
    try {
      for (const obs of observations(2000, seed)) {
        actions.fast.push(fast.action(obs));
        actions.reference.push(reference.action(obs));
      }
    } finally {
      fast.dispose();
      reference.dispose();
    }
    expect(actions.fast).toEqual(actions.reference);
    expect(new Set(actions.fast).size).toBeGreaterThan(1);
  });
});

function greedyOf(weights: Float32Array[], nActions: number, obs: Float32Array): number {
  const net = new QNetwork(obsDim, hidden, nActions);
  try {
    net.setWeights(weights);
    return net.greedyAction(obs);
  } finally {
    net.dispose();
  }
}
