import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import { MlpKernel } from './kernel/mlp-kernel.js';
import { QNetwork } from './q-network.js';

/**
 * The majority vote of several Q-networks (selection.ensemble=vote). Each member votes for its greedy action; the
 * action with the most votes wins, and a tie goes to the tied action whose best-ranked voter ranks highest (rank:
 * the member's validation score, higher is better). Exactly: member k adds 1 + 2^(rank_k - m) to its action, m
 * members, ranks 0..m-1; the bonuses of all members sum to less than 1, so they only ever break ties, and among
 * distinct ranks the highest power of two outweighs all lower ones together.
 */
export interface VoteSpec {
  obsDim: number;
  hidden: readonly number[];
  nActions: number;
  /** Rank of each member, a permutation of 0..m-1 (m-1: the best validation score). */
  ranks: readonly number[];
}

/** Q-values are multiplied by this before the softmax that turns each member's output into a one-hot vote. */
export const VOTE_SOFTMAX_SCALE = 1e6;

/**
 * Logit margin by which the one-hot layer prefers the lower action: a member whose Q-values tie exactly (a network
 * whose ReLUs are all off outputs its biases) votes, like argmax, for the first of them.
 */
export const VOTE_TIE_MARGIN = 30;

/** The weight of member k's vote: 1 plus its tie-break bonus. */
export function voteWeight(rank: number, members: number): number {
  return 1 + 2 ** (rank - members);
}

/** Ranks from scores: the highest score gets rank m-1; equal scores rank the lower seed (index) higher. */
export function ranksFromScores(scores: ReadonlyArray<number | null>): number[] {
  const order = scores.map((s, k) => ({ s: s ?? -Infinity, k })).sort((a, b) => a.s - b.s || b.k - a.k);
  const ranks = new Array<number>(scores.length);
  order.forEach(({ k }, r) => (ranks[k] = r));
  return ranks;
}

/** One member's greedy action, and its resources. */
interface GreedyNet {
  greedyAction(obs: Float32Array): number;
  dispose(): void;
}

/** The kernel takes at most this many layers (native/mlp_kernel.c, MAXL); deeper networks vote through tfjs. */
const KERNEL_MAX_LAYERS = 9;

/**
 * A member's network on the fast path of a single network in training: the WebAssembly kernel's forward pass, one
 * call per bar instead of a few tfjs ops (about 0.004 ms against 0.03 ms an action). Its argmax keeps the first of
 * tied Q-values, as tf.argMax does.
 */
function kernelNet(spec: Pick<VoteSpec, 'obsDim' | 'hidden' | 'nActions'>, weights: Float32Array[]): GreedyNet {
  const kernel = new MlpKernel([spec.obsDim, ...spec.hidden, spec.nActions], 1);
  kernel.setOnline(weights);
  return { greedyAction: (obs) => kernel.greedy(obs), dispose: () => undefined };
}

function tfjsNet(spec: Pick<VoteSpec, 'obsDim' | 'hidden' | 'nActions'>, weights: Float32Array[]): GreedyNet {
  const net = new QNetwork(spec.obsDim, spec.hidden, spec.nActions);
  try {
    net.setWeights(weights);
  } catch (err) {
    net.dispose();
    throw err;
  }
  return net;
}

/** Which forward pass runs the members: the kernel (default) or the tfjs reference. */
export type VoteEngine = 'kernel' | 'tfjs';

/** The exact vote, computed from the members' own networks (what the pipeline evaluates and reports). */
export class VotePolicy {
  private readonly members: GreedyNet[];
  private readonly weights: number[];

  constructor(
    readonly spec: VoteSpec,
    memberWeights: Float32Array[][],
    engine: VoteEngine = 'kernel',
  ) {
    if (memberWeights.length !== spec.ranks.length) throw new RangeError(`${memberWeights.length} members but ${spec.ranks.length} ranks`);
    const build = engine === 'kernel' && spec.hidden.length + 1 <= KERNEL_MAX_LAYERS ? kernelNet : tfjsNet;
    this.members = [];
    try {
      for (const w of memberWeights) this.members.push(build(spec, w));
    } catch (err) {
      this.dispose();
      throw err;
    }
    this.weights = spec.ranks.map((r) => voteWeight(r, spec.ranks.length));
  }

  action(obs: Float32Array): number {
    const tally = new Array<number>(this.spec.nActions).fill(0);
    this.members.forEach((net, k) => (tally[net.greedyAction(obs)] += this.weights[k]));
    let best = 0;
    for (let a = 1; a < tally.length; a++) if (tally[a] > tally[best]) best = a;
    return best;
  }

  dispose(): void {
    for (const net of this.members) net.dispose();
  }
}

/** Layer name prefix of member k inside the vote model: its weights are those of `m{k}_hidden_*` and `m{k}_q_values`. */
const memberPrefix = (k: number) => `m${k}_`;

/**
 * The vote as one tfjs LayersModel (the file format): every member's Dense stack on a shared input, a fixed
 * Dense (diagonal VOTE_SOFTMAX_SCALE, bias -VOTE_TIE_MARGIN per action index, softmax) that makes its Q-values a
 * near one-hot vote, a fixed diagonal Dense of its vote weight, and an Add. The argmax of the output is the vote
 * whenever no member's top two Q-values lie within about 1e-4 of each other without being equal; the pipeline itself
 * evaluates VotePolicy, which is exact.
 */
export function buildVoteModel(spec: VoteSpec, memberWeights: Float32Array[][]): TF.LayersModel {
  const m = spec.ranks.length;
  const input = tf.input({ shape: [spec.obsDim], name: 'observation' });
  const votes = memberWeights.map((_, k) => {
    const p = memberPrefix(k);
    let h = input as TF.SymbolicTensor;
    spec.hidden.forEach((units, i) => {
      h = tf.layers.dense({ name: `${p}hidden_${i + 1}`, units, activation: 'relu' }).apply(h) as TF.SymbolicTensor;
    });
    h = tf.layers.dense({ name: `${p}q_values`, units: spec.nActions, activation: 'linear' }).apply(h) as TF.SymbolicTensor;
    h = tf.layers.dense({ name: `${p}one_hot`, units: spec.nActions, activation: 'softmax', trainable: false }).apply(h) as TF.SymbolicTensor;
    return tf.layers
      .dense({ name: `${p}vote`, units: spec.nActions, activation: 'linear', useBias: false, trainable: false })
      .apply(h) as TF.SymbolicTensor;
  });
  const output = m === 1 ? votes[0] : (tf.layers.add({ name: 'tally' }).apply(votes) as TF.SymbolicTensor);
  const model = tf.model({ name: 'vote', inputs: input, outputs: output });
  const diagonal = (value: number) => {
    const d = new Float32Array(spec.nActions * spec.nActions);
    for (let a = 0; a < spec.nActions; a++) d[a * spec.nActions + a] = value;
    return tf.tensor2d(d, [spec.nActions, spec.nActions]);
  };
  memberWeights.forEach((weights, k) => {
    const p = memberPrefix(k);
    const layers = [...spec.hidden.map((_, i) => `${p}hidden_${i + 1}`), `${p}q_values`];
    layers.forEach((name, i) => {
      const layer = model.getLayer(name);
      const [kernel, bias] = layer.getWeights().map((w) => w.shape);
      layer.setWeights([tf.tensor(weights[2 * i], kernel), tf.tensor(weights[2 * i + 1], bias)]);
    });
    const order = Float32Array.from({ length: spec.nActions }, (_, a) => -a * VOTE_TIE_MARGIN);
    model.getLayer(`${p}one_hot`).setWeights([diagonal(VOTE_SOFTMAX_SCALE), tf.tensor1d(order)]);
    model.getLayer(`${p}vote`).setWeights([diagonal(voteWeight(spec.ranks[k], m))]);
  });
  return model;
}

/** The members' Q-network weights (kernel, bias per layer) out of the vote model's weights, by their names. */
export function memberWeightsOf(names: readonly string[], weights: readonly Float32Array[], members: number): Float32Array[][] {
  return Array.from({ length: members }, (_, k) => {
    const p = memberPrefix(k);
    return weights.filter((_, i) => names[i].startsWith(p) && /_(hidden_\d+|q_values)\//.test(names[i]));
  });
}

/** A greedy policy of a saved model: one Q-network, or the exact vote of a vote model's members. */
export interface GreedyPolicy {
  action(obs: Float32Array): number;
  dispose(): void;
}

/**
 * The greedy policy of a loaded model: `vote` (members' weights and ranks, from a vote model's metadata) gives the
 * exact VotePolicy; otherwise the weights are one QNetwork's.
 */
export function greedyPolicy(
  shape: { obsDim: number; hidden: readonly number[]; nActions: number },
  weights: Float32Array[],
  vote: { members: Float32Array[][]; ranks: number[] } | null,
): GreedyPolicy {
  if (vote) return new VotePolicy({ ...shape, ranks: vote.ranks }, vote.members);
  const net = new QNetwork(shape.obsDim, shape.hidden, shape.nActions);
  try {
    net.setWeights(weights);
  } catch (err) {
    net.dispose();
    throw err;
  }
  return { action: (obs) => net.greedyAction(obs), dispose: () => net.dispose() };
}
