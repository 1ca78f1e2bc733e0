import * as tf from '@tensorflow/tfjs';
import type { AgentConfig } from '../config/schema.js';
import type { Rng } from '../random/rng.js';
import { Adam, type AdamState } from './adam.js';
import { QNetwork } from './q-network.js';
import { createBatch, ReplayBuffer, type ReplayBatch, type ReplayState } from './replay/replay-buffer.js';
import { linearSchedule } from './schedules.js';

export interface AgentState {
  numTimesteps: number;
  numUpdates: number;
  online: Float32Array[];
  target: Float32Array[];
  optimizer: AdamState;
  /** Null when the checkpoint was written without the replay buffer. */
  replay: ReplayState | null;
}

export interface UpdateStats {
  loss: number;
  meanAbsTd: number;
  maxAbsQ: number;
}

/**
 * DQN (Mnih et al. 2015) with double-DQN targets, Huber loss, Adam, global-norm gradient clipping and
 * prioritized or uniform replay. Step-counting follows Stable-Baselines3: after every environment step call
 * `onStep()`, which trains every trainFreq steps once learningStarts have passed and copies the target
 * network every targetUpdateInterval steps. All randomness comes from the injected generator.
 */
export class DqnAgent {
  readonly online: QNetwork;
  readonly target: QNetwork;
  readonly replay: ReplayBuffer;
  private readonly optimizer: Adam;
  private readonly epsilonAt: (step: number) => number;
  private readonly betaAt: (step: number) => number;
  private readonly batch: ReplayBatch;
  numTimesteps = 0;
  numUpdates = 0;
  lastUpdate: UpdateStats | null = null;

  constructor(
    private readonly config: AgentConfig,
    readonly obsDim: number,
    readonly nActions: number,
    private readonly rng: Rng,
    readonly totalTimesteps: number,
  ) {
    this.online = new QNetwork(obsDim, config.layers, nActions);
    this.target = new QNetwork(obsDim, config.layers, nActions);
    this.online.initialize(rng);
    this.target.copyFrom(this.online);
    this.optimizer = new Adam(this.online.variables, config.learningRate);
    this.replay = new ReplayBuffer({
      capacity: Math.min(config.bufferSize, Math.max(totalTimesteps, config.batchSize)),
      obsDim,
      prioritized: config.replay.prioritized,
      alpha: config.replay.alpha,
      priorityEpsilon: config.replay.priorityEpsilon,
    });
    this.epsilonAt = linearSchedule(config.explorationInitial, config.explorationFinal, config.explorationFraction, totalTimesteps);
    this.betaAt = linearSchedule(config.replay.betaStart, config.replay.betaEnd, 1, totalTimesteps);
    this.batch = createBatch(config.batchSize, obsDim);
  }

  get epsilon(): number {
    return this.epsilonAt(this.numTimesteps);
  }

  /** Epsilon-greedy action for training. */
  act(obs: Float32Array): number {
    if (this.rng.next() < this.epsilon) return this.rng.int(this.nActions);
    return this.greedyAction(obs);
  }

  greedyAction(obs: Float32Array): number {
    return this.online.greedyAction(obs);
  }

  /** Q-values of one observation (for diagnostics and tests). */
  qValues(obs: Float32Array): Float32Array {
    return tf.tidy(() => this.online.forward(tf.tensor2d(obs, [1, this.obsDim])).dataSync() as Float32Array).slice();
  }

  remember(obs: Float32Array, action: number, reward: number, nextObs: Float32Array, terminated: boolean): void {
    this.replay.add(obs, action, reward, nextObs, terminated);
  }

  /** Call once after each environment step; returns the last update's stats when it trained. */
  onStep(): UpdateStats | null {
    this.numTimesteps += 1;
    let stats: UpdateStats | null = null;
    const c = this.config;
    if (this.numTimesteps > c.learningStarts && this.numTimesteps % c.trainFreq === 0 && this.replay.size >= c.batchSize) {
      for (let g = 0; g < c.gradientSteps; g++) stats = this.update();
    }
    if (this.numTimesteps % c.targetUpdateInterval === 0) this.target.copyFrom(this.online);
    return stats;
  }

  /** One gradient step on a replayed minibatch; updates priorities with the new |TD errors|. */
  update(): UpdateStats {
    const c = this.config;
    const b = this.replay.sample(this.rng, this.betaAt(this.numTimesteps), this.batch);
    const n = b.size;
    const summary = tf.tidy(() => {
      const obs = tf.tensor2d(b.obs, [n, this.obsDim]);
      const nextObs = tf.tensor2d(b.nextObs, [n, this.obsDim]);
      const actionMask = tf.oneHot(tf.tensor1d(b.actions, 'int32'), this.nActions);
      const targetValues = this.targetValues(nextObs, tf.tensor1d(b.rewards), tf.tensor1d(b.dones));
      const weights = tf.tensor1d(b.weights);
      const kept: { td?: tf.Tensor; maxAbsQ?: tf.Tensor } = {};
      const { value: loss, grads } = tf.variableGrads(() => {
        const q = this.online.forward(obs);
        const td = tf.sub(tf.sum(tf.mul(q, actionMask), 1), targetValues);
        kept.td = tf.keep(td);
        kept.maxAbsQ = tf.keep(tf.max(tf.abs(q)));
        return tf.mean(tf.mul(weights, huber(td, c.huberDelta))) as tf.Scalar;
      }, this.online.variables);
      this.optimizer.apply(clipByGlobalNorm(this.online.variables.map((v) => grads[v.name]), c.maxGradNorm));
      const td = kept.td as tf.Tensor;
      const maxAbsQ = kept.maxAbsQ as tf.Tensor;
      const out = tf.concat([tf.reshape(loss, [1]), tf.reshape(maxAbsQ, [1]), tf.abs(td)]);
      td.dispose();
      maxAbsQ.dispose();
      return out;
    });
    const values = summary.dataSync() as Float32Array;
    summary.dispose();
    const absTd = values.subarray(2);
    this.replay.updatePriorities(b.indices, absTd);
    this.numUpdates += 1;
    let sum = 0;
    for (let i = 0; i < absTd.length; i++) sum += absTd[i];
    this.lastUpdate = { loss: values[0], maxAbsQ: values[1], meanAbsTd: sum / absTd.length };
    return this.lastUpdate;
  }

  /** r + gamma * (1 - done) * Q_target(s', argmax_a Q_online(s', a)) for double DQN, else max_a Q_target. */
  private targetValues(nextObs: tf.Tensor2D, rewards: tf.Tensor1D, dones: tf.Tensor1D): tf.Tensor1D {
    const nextTarget = this.target.forward(nextObs);
    let nextValue: tf.Tensor1D;
    if (this.config.doubleDqn) {
      const best = tf.argMax(this.online.forward(nextObs), 1);
      nextValue = tf.sum(tf.mul(nextTarget, tf.oneHot(best, this.nActions)), 1);
    } else nextValue = tf.max(nextTarget, 1);
    return tf.add(rewards, tf.mul(tf.mul(tf.sub(1, dones), this.config.gamma), nextValue));
  }

  getState(includeReplay = true): AgentState {
    return {
      numTimesteps: this.numTimesteps,
      numUpdates: this.numUpdates,
      online: this.online.getWeights(),
      target: this.target.getWeights(),
      optimizer: this.optimizer.getState(),
      replay: includeReplay ? this.replay.getState() : null,
    };
  }

  setState(state: AgentState): void {
    this.numTimesteps = state.numTimesteps;
    this.numUpdates = state.numUpdates;
    this.online.setWeights(state.online);
    this.target.setWeights(state.target);
    this.optimizer.setState(state.optimizer);
    if (state.replay) this.replay.setState(state.replay);
  }

  dispose(): void {
    this.online.dispose();
    this.target.dispose();
    this.optimizer.dispose();
  }
}

function huber(x: tf.Tensor, delta: number): tf.Tensor {
  const a = tf.abs(x);
  const quadratic = tf.minimum(a, delta);
  return tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, tf.sub(a, quadratic)));
}

/** PyTorch's clip_grad_norm_: scale every gradient by min(1, maxNorm / (globalNorm + 1e-6)). */
function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): tf.Tensor[] {
  const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  return grads.map((g) => tf.mul(g, scale));
}
