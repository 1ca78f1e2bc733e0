import { deriveSeed } from '../../random/rng.js';
import type { RunContext } from '../context/index.js';

/** Each iteration has its own stream, derived from the experiment seed and the iteration number. */
export function iterationSeed(ctx: Pick<RunContext, 'seed'>, n: number): number {
  return deriveSeed(ctx.seed, 'iteration', n);
}

/** The stream of one seed's agent: seed 0 keeps the iteration's (so training.seeds=1 is a one-seed run). */
export function agentSeed(ctx: Pick<RunContext, 'seed'>, n: number, seed: number): number {
  return seed === 0 ? iterationSeed(ctx, n) : deriveSeed(ctx.seed, 'iteration', n, 'seed', seed);
}
