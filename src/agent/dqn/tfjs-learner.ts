import type * as TF from '@tensorflow/tfjs';
import { tf } from '../../backend/tf.js';
import { Adam, type AdamState } from '../adam.js';
import type { QLearner, StepSettings } from './learner.js';
import { QNetwork } from '../q-network.js';
import type { ReplayBatch } from './replay/replay-buffer.js';

/** The reference learner: online and target MLPs as tfjs variables, raw ops, PyTorch-rule Adam. */
export class TfjsLearner implements QLearner {
  readonly engine = 'tfjs' as const;
  readonly online: QNetwork;
  readonly target: QNetwork;
  private readonly optimizer: Adam;

  constructor(
    obsDim: number,
    hidden: readonly number[],
    private readonly nActions: number,
    initial: Float32Array[],
    learningRate: number,
  ) {
    this.online = new QNetwork(obsDim, hidden, nActions);
    this.target = new QNetwork(obsDim, hidden, nActions);
    this.online.setWeights(initial);
    this.target.copyFrom(this.online);
    this.optimizer = new Adam(this.online.variables, learningRate);
  }

  greedyAction(obs: Float32Array): number {
    return this.online.greedyAction(obs);
  }

  greedyActions(obs: Float32Array, count: number, out: Int32Array): Int32Array {
    return this.online.greedyActions(obs, count, out);
  }

  qValues(obs: Float32Array): Float32Array {
    return tf.tidy(() => this.online.forward(tf.tensor2d(obs, [1, this.online.obsDim])).dataSync() as Float32Array).slice();
  }

  update(b: ReplayBatch, s: StepSettings) {
    const n = b.size;
    const dim = this.online.obsDim;
    const summary = tf.tidy(() => {
      const obs = tf.tensor2d(b.obs, [n, dim]);
      const nextObs = tf.tensor2d(b.nextObs, [n, dim]);
      const actionMask = tf.oneHot(tf.tensor1d(b.actions, 'int32'), this.nActions);
      const targetValues = this.targetValues(nextObs, tf.tensor1d(b.rewards), tf.tensor1d(b.dones), s);
      const weights = tf.tensor1d(b.weights);
      const kept: { td?: TF.Tensor; maxAbsQ?: TF.Tensor } = {};
      const { value: loss, grads } = tf.variableGrads(() => {
        const q = this.online.forward(obs);
        const td = tf.sub(tf.sum(tf.mul(q, actionMask), 1), targetValues);
        kept.td = tf.keep(td);
        kept.maxAbsQ = tf.keep(tf.max(tf.abs(q)));
        return tf.mean(tf.mul(weights, huber(td, s.huberDelta))) as TF.Scalar;
      }, this.online.variables);
      this.optimizer.apply(
        clipByGlobalNorm(
          this.online.variables.map((v) => grads[v.name]),
          s.maxGradNorm,
        ),
        s.weightDecay,
      );
      const td = kept.td as TF.Tensor;
      const maxAbsQ = kept.maxAbsQ as TF.Tensor;
      const out = tf.concat([tf.reshape(loss, [1]), tf.reshape(maxAbsQ, [1]), tf.abs(td)]);
      td.dispose();
      maxAbsQ.dispose();
      return out;
    });
    const values = summary.dataSync() as Float32Array;
    summary.dispose();
    const absTd = values.subarray(2);
    let sum = 0;
    for (let i = 0; i < absTd.length; i++) sum += absTd[i];
    return { stats: { loss: values[0], maxAbsQ: values[1], meanAbsTd: sum / absTd.length }, absTd };
  }

  /** r + gamma * (1 - done) * Q_target(s', argmax_a Q_online(s', a)) for double DQN, else max_a Q_target. */
  private targetValues(nextObs: TF.Tensor2D, rewards: TF.Tensor1D, dones: TF.Tensor1D, s: StepSettings): TF.Tensor1D {
    const nextTarget = this.target.forward(nextObs);
    let nextValue: TF.Tensor1D;
    if (s.doubleDqn) {
      const best = tf.argMax(this.online.forward(nextObs), 1);
      nextValue = tf.sum(tf.mul(nextTarget, tf.oneHot(best, this.nActions)), 1);
    } else nextValue = tf.max(nextTarget, 1);
    return tf.add(rewards, tf.mul(tf.mul(tf.sub(1, dones), s.gamma), nextValue));
  }

  syncTarget(): void {
    this.target.copyFrom(this.online);
  }

  getOnline(): Float32Array[] {
    return this.online.getWeights();
  }

  setOnline(weights: Float32Array[]): void {
    this.online.setWeights(weights);
  }

  getTarget(): Float32Array[] {
    return this.target.getWeights();
  }

  setTarget(weights: Float32Array[]): void {
    this.target.setWeights(weights);
  }

  getOptimizer(): AdamState {
    return this.optimizer.getState();
  }

  setOptimizer(state: AdamState): void {
    this.optimizer.setState(state);
  }

  exportModel(): TF.LayersModel {
    return this.online.model;
  }

  dispose(): void {
    this.online.dispose();
    this.target.dispose();
    this.optimizer.dispose();
  }
}

function huber(x: TF.Tensor, delta: number): TF.Tensor {
  const a = tf.abs(x);
  const quadratic = tf.minimum(a, delta);
  return tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, tf.sub(a, quadratic)));
}

/** PyTorch's clip_grad_norm_: scale every gradient by min(1, maxNorm / (globalNorm + 1e-6)). */
function clipByGlobalNorm(grads: TF.Tensor[], maxNorm: number): TF.Tensor[] {
  const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  return grads.map((g) => tf.mul(g, scale));
}
