import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { createHash } from 'node:crypto';

type Generator = ReturnType<typeof xoroshiro128plus>;

/**
 * The one source of randomness: a xoroshiro128+ generator whose complete state is a short array of
 * numbers, so a checkpoint can save it and a resume continues the exact same stream.
 */
export class Rng {
  private constructor(private gen: Generator) {}

  static fromSeed(seed: number): Rng {
    return new Rng(xoroshiro128plus(seed | 0));
  }

  /** Continues the stream from a saved state, in place (objects holding this generator follow). */
  setState(state: readonly number[]): void {
    this.gen = xoroshiro128plusFromState(state);
  }

  getState(): number[] {
    return [...this.gen.getState()];
  }

  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return uniformInt(this.gen, 0, n - 1);
  }

  /** Standard normal (Box-Muller, no cached second value so the state stays just the generator's). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** A 31-bit seed derived from a base seed and labels, e.g. deriveSeed(experimentSeed, 'iteration', 3). */
export function deriveSeed(base: number | string, ...labels: Array<string | number>): number {
  const digest = createHash('sha256')
    .update([base, ...labels].join('/'))
    .digest();
  return digest.readUInt32BE(0) & 0x7fffffff;
}
