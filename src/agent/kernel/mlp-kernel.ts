import { readFileSync } from 'node:fs';
import type { ReplayBatch } from '../dqn/replay/replay-buffer.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  sizes_buffer(): number;
  init(layers: number, sizes: number, batch: number): number;
  params_online(): number;
  params_target(): number;
  adam_m(): number;
  adam_v(): number;
  single_obs(): number;
  single_q(): number;
  batch_obs(): number;
  batch_next(): number;
  batch_actions(): number;
  batch_rewards(): number;
  batch_dones(): number;
  batch_weights(): number;
  td_errors(): number;
  max_abs_q(): number;
  greedy(): number;
  greedy_batch(n: number): void;
  batch_q(): number;
  train(
    n: number,
    gamma: number,
    doubleDqn: number,
    huberDelta: number,
    maxNorm: number,
    stepSize: number,
    rootCorrection: number,
    beta1: number,
    beta2: number,
    eps: number,
    decay: number,
  ): number;
  copy_target(): void;
}

let compiled: WebAssembly.Module | null = null;

/**
 * The compiled kernel (native/mlp_kernel.c, built by scripts/build-kernel.sh), shared by every instance of this
 * thread. Compiled on first use unless a module compiled elsewhere was handed over with useKernelModule.
 */
export function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(new URL('./mlp_kernel.wasm', import.meta.url)));
  return compiled;
}

/** Uses a kernel compiled on another thread (worker_threads clones a WebAssembly.Module without compiling it again). */
export function useKernelModule(module: WebAssembly.Module): void {
  compiled = module;
}

export interface TrainArgs {
  gamma: number;
  doubleDqn: boolean;
  huberDelta: number;
  maxNorm: number;
  stepSize: number;
  rootCorrection: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - lr * weightDecay: the factor the weight matrices are multiplied by before the Adam step (1: none). */
  decay: number;
}

export type KernelBatch = Omit<ReplayBatch, 'indices'>;

/**
 * One MLP (online and target weights, Adam moments, batch buffers) inside its own WebAssembly instance. Weights
 * are flat in tfjs order [kernel_0, bias_0, kernel_1, ...], so they move to and from a tfjs model unchanged.
 */
export class MlpKernel {
  private readonly k: KernelExports;
  readonly paramCount: number;
  readonly shapes: number[][];
  private readonly online: Float32Array;
  private readonly target: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly obs1: Float32Array;
  private readonly q1: Float32Array;
  private readonly batch: {
    obs: Float32Array;
    next: Float32Array;
    actions: Int32Array;
    rewards: Float32Array;
    dones: Float32Array;
    weights: Float32Array;
    td: Float32Array;
    q: Float32Array;
  };

  constructor(
    readonly sizes: readonly number[],
    readonly maxBatch: number,
  ) {
    if (sizes.length < 2 || sizes.length > 10) throw new RangeError(`the kernel takes 1 to 9 layers, got ${sizes.length - 1}`);
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`the kernel's batch size must be a whole number >= 1, got ${maxBatch}`);
    this.k = new WebAssembly.Instance(kernelModule(), {}).exports as unknown as KernelExports;
    new Int32Array(this.k.memory.buffer, this.k.sizes_buffer(), sizes.length).set(sizes);
    this.paramCount = this.k.init(sizes.length - 1, this.k.sizes_buffer(), maxBatch);
    this.shapes = [];
    for (let l = 0; l + 1 < sizes.length; l++) this.shapes.push([sizes[l], sizes[l + 1]], [sizes[l + 1]]);
    // Views are made after init, which may have grown (and so replaced) the memory buffer.
    const buf = this.k.memory.buffer;
    const f32 = (ptr: number, n: number) => new Float32Array(buf, ptr, n);
    this.online = f32(this.k.params_online(), this.paramCount);
    this.target = f32(this.k.params_target(), this.paramCount);
    this.m = f32(this.k.adam_m(), this.paramCount);
    this.v = f32(this.k.adam_v(), this.paramCount);
    this.obs1 = f32(this.k.single_obs(), sizes[0]);
    this.q1 = f32(this.k.single_q(), sizes[sizes.length - 1]);
    const inDim = sizes[0];
    this.batch = {
      obs: f32(this.k.batch_obs(), maxBatch * inDim),
      next: f32(this.k.batch_next(), maxBatch * inDim),
      actions: new Int32Array(buf, this.k.batch_actions(), maxBatch),
      rewards: f32(this.k.batch_rewards(), maxBatch),
      dones: f32(this.k.batch_dones(), maxBatch),
      weights: f32(this.k.batch_weights(), maxBatch),
      td: f32(this.k.td_errors(), maxBatch),
      q: f32(this.k.batch_q(), maxBatch * sizes[sizes.length - 1]),
    };
  }

  greedy(obs: Float32Array): number {
    this.obs1.set(obs);
    return this.k.greedy();
  }

  qValues(obs: Float32Array): Float32Array {
    this.greedy(obs);
    return this.q1.slice();
  }

  /**
   * Greedy actions of `count` observations laid end to end in `obs`, into `out`: one forward pass per chunk of up to
   * maxBatch rows, each row's action exactly what `greedy` gives for it alone. Uses the batch buffers, which `train`
   * refills.
   */
  greedyBatch(obs: Float32Array, count: number, out: Int32Array): Int32Array {
    this.checkBatch(obs, count);
    if (out.length < count) throw new RangeError(`${count} actions need an output of at least ${count}, got ${out.length}`);
    const actions = this.batch.actions;
    for (let start = 0; start < count; start += this.maxBatch) {
      const n = this.forwardBatch(obs, start, count);
      for (let i = 0; i < n; i++) out[start + i] = actions[i];
    }
    return out;
  }

  /** Q-values of `count` observations laid end to end (count x actions, row by row), by the pass greedyBatch makes. */
  qValuesBatch(obs: Float32Array, count: number): Float32Array {
    this.checkBatch(obs, count);
    const nA = this.sizes[this.sizes.length - 1];
    const q = new Float32Array(count * nA);
    for (let start = 0; start < count; start += this.maxBatch) {
      const n = this.forwardBatch(obs, start, count);
      q.set(this.batch.q.subarray(0, n * nA), start * nA);
    }
    return q;
  }

  private checkBatch(obs: Float32Array, count: number): void {
    const dim = this.sizes[0];
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number >= 0, got ${count}`);
    if (obs.length < count * dim) throw new RangeError(`${count} observations of ${dim} values need ${count * dim} numbers, got ${obs.length}`);
  }

  /** Runs greedy_batch on rows start.. of obs, at most maxBatch of them; returns how many. */
  private forwardBatch(obs: Float32Array, start: number, count: number): number {
    const dim = this.sizes[0];
    const n = Math.min(this.maxBatch, count - start);
    // A panel that fits one batch is copied without making a view (acting runs this once per date).
    this.batch.obs.set(start === 0 && obs.length === n * dim ? obs : obs.subarray(start * dim, (start + n) * dim));
    this.k.greedy_batch(n);
    return n;
  }

  /** One update; returns the loss, the largest |Q| and a view of |TD error| per sample (valid until the next call). */
  train(b: KernelBatch, a: TrainArgs): { loss: number; maxAbsQ: number; absTd: Float32Array } {
    const n = b.size;
    const dim = this.sizes[0];
    this.batch.obs.set(b.obs.subarray(0, n * dim));
    this.batch.next.set(b.nextObs.subarray(0, n * dim));
    this.batch.actions.set(b.actions.subarray(0, n));
    this.batch.rewards.set(b.rewards.subarray(0, n));
    this.batch.dones.set(b.dones.subarray(0, n));
    this.batch.weights.set(b.weights.subarray(0, n));
    const loss = this.k.train(
      n,
      a.gamma,
      a.doubleDqn ? 1 : 0,
      a.huberDelta,
      a.maxNorm,
      a.stepSize,
      a.rootCorrection,
      a.beta1,
      a.beta2,
      a.epsilon,
      a.decay,
    );
    return { loss, maxAbsQ: this.k.max_abs_q(), absTd: this.batch.td.subarray(0, n) };
  }

  copyTarget(): void {
    this.k.copy_target();
  }

  getOnline(): Float32Array[] {
    return this.split(this.online);
  }

  setOnline(arrays: Float32Array[]): void {
    this.join(arrays, this.online);
  }

  getTarget(): Float32Array[] {
    return this.split(this.target);
  }

  setTarget(arrays: Float32Array[]): void {
    this.join(arrays, this.target);
  }

  getMoments(): { m: Float32Array[]; v: Float32Array[] } {
    return { m: this.split(this.m), v: this.split(this.v) };
  }

  setMoments(m: Float32Array[], v: Float32Array[]): void {
    this.join(m, this.m);
    this.join(v, this.v);
  }

  private split(flat: Float32Array): Float32Array[] {
    const out: Float32Array[] = [];
    let offset = 0;
    for (const shape of this.shapes) {
      const n = shape.reduce((x, y) => x * y, 1);
      out.push(flat.slice(offset, offset + n));
      offset += n;
    }
    return out;
  }

  private join(arrays: Float32Array[], flat: Float32Array): void {
    if (arrays.length !== this.shapes.length) throw new RangeError(`expected ${this.shapes.length} weight arrays, got ${arrays.length}`);
    let offset = 0;
    arrays.forEach((a, i) => {
      const n = this.shapes[i].reduce((x, y) => x * y, 1);
      if (a.length !== n) throw new RangeError(`weight ${i}: expected ${n} values (${this.shapes[i]}), got ${a.length}`);
      flat.set(a, offset);
      offset += n;
    });
  }
}
