import { computeMetrics, type MetricOptions, type Metrics } from '../analysis/metrics.js';
import type { TradingEnv } from '../env/trading-env.js';

/** The bars a policy traded in one segment, column-wise, with their metrics. */
export interface SegmentRun {
  /** Row of each bar whose return was earned. */
  rows: Int32Array;
  positions: Float64Array;
  returns: Float64Array;
  metrics: Metrics;
}

export type Policy = (obs: Float32Array) => number;

/** Runs a policy for one episode over the environment's segment, starting flat. */
export function runPolicy(env: TradingEnv, policy: Policy, metricOptions: MetricOptions): SegmentRun {
  const n = env.length;
  const rows = new Int32Array(n);
  const positions = new Float64Array(n);
  const returns = new Float64Array(n);
  const obs = env.reset();
  for (let i = 0; i < n; i++) {
    const result = env.step(policy(obs));
    rows[i] = result.row;
    positions[i] = result.position;
    returns[i] = result.barReturn;
    env.observe(obs);
  }
  return { rows, positions, returns, metrics: computeMetrics(returns, positions, metricOptions) };
}

/** Holds one fixed position every bar (entering from flat, so the entry cost is paid once). */
export function holdPolicy(env: TradingEnv, position: number): Policy {
  const action = env.positions.indexOf(position);
  if (action < 0) throw new RangeError(`position ${position} is not available (positions: ${env.positions.join(', ')})`);
  return () => action;
}

/** Buy-and-hold on the same bars as the environment's segment. */
export function buyAndHold(env: TradingEnv, metricOptions: MetricOptions): SegmentRun {
  return runPolicy(env, holdPolicy(env, 1), metricOptions);
}
