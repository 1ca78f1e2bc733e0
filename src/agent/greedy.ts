import type { Agent } from './agent.js';

/**
 * Greedy actions of `count` observations laid end to end, one forward pass each: what an agent whose network has no
 * batched forward pass answers to `greedyActions`.
 */
export function greedyActionsOf(
  agent: Pick<Agent, 'greedyAction' | 'spaces'>,
  obs: Float32Array,
  count: number,
  out: Int32Array = new Int32Array(count),
): Int32Array {
  const dim = agent.spaces.observation.shape[0];
  if (obs.length < count * dim) throw new RangeError(`${count} observations of ${dim} values need ${count * dim} numbers, got ${obs.length}`);
  for (let i = 0; i < count; i++) out[i] = agent.greedyAction(obs.subarray(i * dim, (i + 1) * dim));
  return out;
}
