import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';

export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * Adam with PyTorch's update rule, state kept as plain moments plus a step count. Unlike tf.train.adam, whose
 * restored bias correction is recomputed with pow() and differs in the last bits from the running product, this
 * restores to exactly the same numbers, so a resumed run equals an uninterrupted one.
 */
export class Adam {
  private step = 0;
  private readonly m: TF.Variable[];
  private readonly v: TF.Variable[];

  constructor(
    private readonly params: TF.Variable[],
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.m = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  /**
   * One step. weightDecay > 0 makes it AdamW (Loshchilov and Hutter 2019, PyTorch's order): the weight matrices
   * (rank-2 parameters; biases are left alone) are multiplied by 1 - lr * weightDecay before the Adam update.
   */
  apply(grads: TF.Tensor[], weightDecay = 0): void {
    this.step += 1;
    const decay = 1 - this.learningRate * weightDecay;
    const stepSize = this.learningRate / (1 - this.beta1 ** this.step);
    const rootCorrection = Math.sqrt(1 - this.beta2 ** this.step);
    tf.tidy(() => {
      grads.forEach((g, i) => {
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), rootCorrection), this.epsilon);
        const decayed = decay !== 1 && this.params[i].rank === 2 ? tf.mul(this.params[i], decay) : this.params[i];
        this.params[i].assign(tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize)));
      });
    });
  }

  getState(): AdamState {
    const read = (vs: TF.Variable[]) => vs.map((x) => Float32Array.from(x.dataSync() as Float32Array));
    return { step: this.step, m: read(this.m), v: read(this.v) };
  }

  setState(state: AdamState): void {
    this.step = state.step;
    tf.tidy(() => {
      state.m.forEach((values, i) => this.m[i].assign(tf.tensor(values, this.m[i].shape)));
      state.v.forEach((values, i) => this.v[i].assign(tf.tensor(values, this.v[i].shape)));
    });
  }

  dispose(): void {
    [...this.m, ...this.v].forEach((x) => x.dispose());
  }
}
