import type * as tf from '@tensorflow/tfjs';
import type { AdamState } from '../adam.js';
import type { ReplayBatch } from './replay/replay-buffer.js';

/** What one gradient step reports (a type, not an interface, so it is a record of numbers by name). */
export type UpdateStats = {
  loss: number;
  meanAbsTd: number;
  maxAbsQ: number;
};

/** Hyper-parameters of one gradient step. */
export interface StepSettings {
  gamma: number;
  doubleDqn: boolean;
  huberDelta: number;
  maxGradNorm: number;
  /** Decoupled weight decay (AdamW) on the weight matrices; 0 = plain Adam. */
  weightDecay: number;
}

/**
 * Where Q-values and gradient steps are computed: tfjs (the reference, any backend) or the fused WebAssembly
 * kernel. Both hold the same weights in the same layout and the same Adam state, so checkpoints move freely
 * between them.
 */
export interface QLearner {
  readonly engine: 'tfjs' | 'kernel';
  greedyAction(obs: Float32Array): number;
  /** Greedy actions of `count` observations laid end to end, into `out`, by batched forward passes. */
  greedyActions(obs: Float32Array, count: number, out: Int32Array): Int32Array;
  qValues(obs: Float32Array): Float32Array;
  /** One gradient step; returns the stats and |TD error| per sample (valid until the next call). */
  update(batch: ReplayBatch, settings: StepSettings): { stats: UpdateStats; absTd: ArrayLike<number> };
  syncTarget(): void;
  getOnline(): Float32Array[];
  setOnline(weights: Float32Array[]): void;
  getTarget(): Float32Array[];
  setTarget(weights: Float32Array[]): void;
  getOptimizer(): AdamState;
  setOptimizer(state: AdamState): void;
  /** A tfjs model holding the current online weights (the model format on disk). */
  exportModel(): tf.LayersModel;
  dispose(): void;
}
