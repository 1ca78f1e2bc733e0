import type { PanelTradingEnv } from '../env/panel-env.js';
import type { TradingEnv } from '../env/trading-env.js';
import { runPolicy } from './evaluate.js';
import { runPanelPolicy, type PanelPolicy } from './panel-evaluate.js';
import type { GreedyActions } from './window-trading.js';

/** The decision at a segment's last bar: what each instrument holds going into it, and the action taken there. */
export interface NextDecision {
  /** The row decided at: the segment's last (end - 1). */
  row: number;
  /** Per instrument, the position held over the last bar (the policy's path from flat, or the one given). */
  held: number[];
  /** Per instrument, the action chosen at the last bar: the position to hold from the next bar on is positions[action]. */
  actions: number[];
  /** Per instrument, the observation the action was chosen on. */
  observations: Float32Array[];
}

/**
 * Runs the greedy policy over the environment's segment from flat, exactly as evaluation runs it, then takes one more
 * decision at the segment's last bar, whose return is not known yet: the position to hold from the next bar on.
 * `held` replaces the path: the positions held now, when the trader's book is not what the policy's path gives.
 */
export function nextPosition(env: TradingEnv, policy: GreedyActions, end: number, held: number | null): NextDecision {
  const before = held ?? (env.length > 0 ? lastOf(runPolicy(env, (obs) => policy.action(obs), PLAIN).positions) : 0);
  const obs = env.resetAt(end - 1, before);
  return { row: end - 1, held: [before], actions: [policy.action(obs)], observations: [obs] };
}

/** nextPosition of a panel: every instrument of the environment's universe, in its order. */
export function nextPanelPositions(env: PanelTradingEnv, policy: PanelPolicy, end: number, held: number[] | null): NextDecision {
  const n = env.size;
  let before: number[];
  if (held) before = held;
  else {
    const run = runPanelPolicy(env, policy, PLAIN);
    const bars = run.rows.length;
    before = Array.from({ length: n }, (_, k) => (bars ? run.panel.positions[(bars - 1) * n + k] : 0));
  }
  const obs = env.resetAt(end - 1, before);
  const actions = new Int32Array(n);
  policy(obs, n, actions);
  const dim = env.obsDim;
  return {
    row: end - 1,
    held: before,
    actions: Array.from(actions),
    observations: Array.from({ length: n }, (_, k) => obs.slice(k * dim, (k + 1) * dim)),
  };
}

const PLAIN = { periodsPerYear: 252, riskFreeRate: 0 };

function lastOf(values: Float64Array): number {
  return values.length ? values[values.length - 1] : 0;
}
