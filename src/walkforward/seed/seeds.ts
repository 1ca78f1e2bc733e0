import { volatilityRewardScale } from '../../agent/reward-scale.js';
import type { WindowData } from '../../env/market.js';
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

/** What rewards are multiplied by before the agent learns from them (agent.rewardScaling). */
export function rewardScale(scaling: 'train-volatility' | 'none', data: WindowData): number {
  return scaling === 'none' ? 1 : volatilityRewardScale(data.market.logReturns, data.window.train.start, data.window.train.end);
}
