import type { Rng } from '../random/rng.js';

/** Greedy actions of `count` observations laid end to end in `obs`, into `out` (a batched forward pass). */
export type GreedyBatch = (obs: Float32Array, count: number, out: Int32Array) => void;

/**
 * Epsilon-greedy actions of a panel's observations (one per instrument, laid end to end) with one batched greedy
 * pass: the generator is drawn per instrument in order, exactly as successive single-observation calls
 * `rng.next() < epsilon ? rng.int(n) : greedy(obs_k)` draw it, and the instruments that act greedily are gathered
 * into scratch rows kept between calls (acting allocates nothing once the largest panel has been seen).
 */
export class EpsilonGreedyPanel {
  private obs = new Float32Array(0);
  private rows = new Int32Array(0);
  private actions = new Int32Array(0);

  constructor(
    private readonly dim: number,
    private readonly nActions: number,
    private readonly greedy: GreedyBatch,
  ) {}

  act(rng: Rng, epsilon: number, obs: Float32Array, count: number, out: Int32Array): Int32Array {
    const dim = this.dim;
    this.reserve(count);
    let greedyCount = 0;
    for (let i = 0; i < count; i++) {
      if (rng.next() < epsilon) out[i] = rng.int(this.nActions);
      else this.rows[greedyCount++] = i;
    }
    if (greedyCount === count) {
      this.greedy(obs, count, out);
      return out;
    }
    for (let g = 0; g < greedyCount; g++) {
      const from = this.rows[g] * dim;
      for (let d = 0; d < dim; d++) this.obs[g * dim + d] = obs[from + d];
    }
    if (greedyCount > 0) this.greedy(this.obs, greedyCount, this.actions);
    for (let g = 0; g < greedyCount; g++) out[this.rows[g]] = this.actions[g];
    return out;
  }

  private reserve(count: number): void {
    if (this.rows.length >= count) return;
    this.obs = new Float32Array(count * this.dim);
    this.rows = new Int32Array(count);
    this.actions = new Int32Array(count);
  }
}

/** Uniformly random actions of `count` instruments, drawn in order as successive `rng.int(n)` calls draw them. */
export function uniformActions(rng: Rng, nActions: number, count: number, out: Int32Array): Int32Array {
  for (let i = 0; i < count; i++) out[i] = rng.int(nActions);
  return out;
}
