import type * as tf from '@tensorflow/tfjs';
import type { AdamState } from '../adam.js';
import { MlpKernel } from '../kernel/mlp-kernel.js';
import type { QLearner, StepSettings } from './learner.js';
import { QNetwork } from '../q-network.js';
import type { ReplayBatch } from './replay/replay-buffer.js';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * The fast learner: the whole update in one call of the WebAssembly SIMD kernel. A tfjs network is kept only as
 * the export format and receives the weights when a model is saved.
 */
export class KernelLearner implements QLearner {
  readonly engine = 'kernel' as const;
  private readonly kernel: MlpKernel;
  private readonly exportNet: QNetwork;
  private step = 0;

  constructor(
    obsDim: number,
    hidden: readonly number[],
    nActions: number,
    initial: Float32Array[],
    private readonly learningRate: number,
    batchSize: number,
  ) {
    this.kernel = new MlpKernel([obsDim, ...hidden, nActions], batchSize);
    this.exportNet = new QNetwork(obsDim, hidden, nActions);
    this.kernel.setOnline(initial);
    this.kernel.copyTarget();
  }

  greedyAction(obs: Float32Array): number {
    return this.kernel.greedy(obs);
  }

  greedyActions(obs: Float32Array, count: number, out: Int32Array): Int32Array {
    return this.kernel.greedyBatch(obs, count, out);
  }

  qValues(obs: Float32Array): Float32Array {
    return this.kernel.qValues(obs);
  }

  update(b: ReplayBatch, s: StepSettings) {
    this.step += 1;
    // Bias corrections in double precision, as the tfjs Adam computes them.
    const stepSize = this.learningRate / (1 - BETA1 ** this.step);
    const rootCorrection = Math.sqrt(1 - BETA2 ** this.step);
    const r = this.kernel.train(b, {
      gamma: s.gamma,
      doubleDqn: s.doubleDqn,
      huberDelta: s.huberDelta,
      maxNorm: s.maxGradNorm,
      stepSize,
      rootCorrection,
      beta1: BETA1,
      beta2: BETA2,
      epsilon: EPSILON,
      decay: 1 - this.learningRate * s.weightDecay,
    });
    let sum = 0;
    for (let i = 0; i < r.absTd.length; i++) sum += r.absTd[i];
    return { stats: { loss: r.loss, maxAbsQ: r.maxAbsQ, meanAbsTd: sum / r.absTd.length }, absTd: r.absTd };
  }

  syncTarget(): void {
    this.kernel.copyTarget();
  }

  getOnline(): Float32Array[] {
    return this.kernel.getOnline();
  }

  setOnline(weights: Float32Array[]): void {
    this.kernel.setOnline(weights);
  }

  getTarget(): Float32Array[] {
    return this.kernel.getTarget();
  }

  setTarget(weights: Float32Array[]): void {
    this.kernel.setTarget(weights);
  }

  getOptimizer(): AdamState {
    return { step: this.step, ...this.kernel.getMoments() };
  }

  setOptimizer(state: AdamState): void {
    this.step = state.step;
    this.kernel.setMoments(state.m, state.v);
  }

  exportModel(): tf.LayersModel {
    this.exportNet.setWeights(this.kernel.getOnline());
    return this.exportNet.model;
  }

  dispose(): void {
    this.exportNet.dispose();
  }
}
