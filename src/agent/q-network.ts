import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import type { Rng } from '../random/rng.js';

/**
 * An MLP Q-network held as a tfjs LayersModel (the model format on disk) whose variables are driven with raw
 * ops in the hot path: dense layers with ReLU between them, linear output, one Q-value per action.
 */
export class QNetwork {
  readonly model: TF.Sequential;
  readonly variables: TF.Variable[];

  constructor(
    readonly obsDim: number,
    readonly hidden: readonly number[],
    readonly nActions: number,
  ) {
    const sizes = [...hidden, nActions];
    // Fixed names keep model.json byte-identical however many networks this process built before.
    this.model = tf.sequential({
      name: 'q_network',
      layers: sizes.map((units, i) =>
        tf.layers.dense({
          name: i < hidden.length ? `hidden_${i + 1}` : 'q_values',
          units,
          activation: i < hidden.length ? 'relu' : 'linear',
          ...(i === 0 ? { inputShape: [obsDim] } : {}),
        }),
      ),
    });
    this.variables = this.model.trainableWeights.map((w) => w.read() as TF.Variable);
  }

  /** Shapes of [kernel0, bias0, kernel1, bias1, ...]. */
  get shapes(): number[][] {
    return this.variables.map((v) => v.shape);
  }

  /** Glorot-uniform kernels and zero biases (the Keras defaults) drawn from the run's generator. */
  initialize(rng: Rng): void {
    const arrays = this.shapes.map((shape) => {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
      if (shape.length === 2) {
        const limit = Math.sqrt(6 / (shape[0] + shape[1]));
        for (let i = 0; i < values.length; i++) values[i] = (2 * rng.next() - 1) * limit;
      }
      return values;
    });
    this.setWeights(arrays);
  }

  forward(x: TF.Tensor2D): TF.Tensor2D {
    let h: TF.Tensor2D = x;
    const layers = this.variables.length / 2;
    for (let l = 0; l < layers; l++) {
      h = tf.add(tf.matMul(h, this.variables[2 * l] as TF.Tensor2D), this.variables[2 * l + 1]);
      if (l < layers - 1) h = tf.relu(h);
    }
    return h;
  }

  /** The action with the highest Q-value for one observation. */
  greedyAction(obs: Float32Array): number {
    return tf.tidy(() => tf.argMax(this.forward(tf.tensor2d(obs, [1, this.obsDim])), 1).dataSync()[0]);
  }

  /**
   * The greedy actions of `count` observations laid end to end in `obs`, into `out`: one forward pass over the batch
   * and the first highest Q-value of each row, as greedyAction takes it.
   */
  greedyActions(obs: Float32Array, count: number, out: Int32Array): Int32Array {
    if (count === 0) return out;
    const actions = tf.tidy(() => tf.argMax(this.forward(tf.tensor2d(obs.subarray(0, count * this.obsDim), [count, this.obsDim])), 1).dataSync());
    out.set(actions);
    return out;
  }

  getWeights(): Float32Array[] {
    return this.variables.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a));
  }

  setWeights(arrays: Float32Array[]): void {
    if (arrays.length !== this.variables.length) {
      throw new RangeError(`expected ${this.variables.length} weight arrays, got ${arrays.length}`);
    }
    tf.tidy(() => {
      arrays.forEach((values, i) => {
        const v = this.variables[i];
        if (values.length !== v.size) throw new RangeError(`weight ${i}: expected ${v.size} values (${v.shape}), got ${values.length}`);
        v.assign(tf.tensor(values, v.shape));
      });
    });
  }

  copyFrom(other: QNetwork): void {
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(other.variables[i])));
  }

  dispose(): void {
    this.model.dispose();
  }
}
