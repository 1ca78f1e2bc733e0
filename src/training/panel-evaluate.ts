import { computeMetrics, type MetricOptions } from '../analysis/metrics.js';
import type { PanelTradingEnv } from '../env/panel-env.js';
import type { SegmentRun } from './evaluate.js';

/** Actions of `count` observations laid end to end (one per instrument), written to `out`. */
export type PanelPolicy = (obs: Float32Array, count: number, out: Int32Array) => void;

/** What a panel run keeps per instrument beside the portfolio's series: bars x instruments, row-major by bar. */
export interface PanelDetail {
  symbols: string[];
  weights: number[];
  positions: Float64Array;
  returns: Float64Array;
  /** Each instrument's own simple return (what the benchmark and the chance distribution trade). */
  marketReturns: Float64Array;
}

/**
 * Runs a policy for one episode over the panel's segment, every instrument starting flat. The run's returns are the
 * portfolio's (after each instrument's costs) and its positions the portfolio's net exposure, sum_k w_k position_k,
 * so metrics, selection and luck read a panel's run as they read one instrument's; `panel` keeps each instrument's.
 */
export function runPanelPolicy(env: PanelTradingEnv, policy: PanelPolicy, metricOptions: MetricOptions): SegmentRun & { panel: PanelDetail } {
  const bars = env.length;
  const n = env.size;
  const rows = new Int32Array(bars);
  const positions = new Float64Array(bars);
  const returns = new Float64Array(bars);
  const each = { positions: new Float64Array(bars * n), returns: new Float64Array(bars * n), marketReturns: new Float64Array(bars * n) };
  const actions = new Int32Array(n);
  const obs = env.reset();
  for (let i = 0; i < bars; i++) {
    policy(obs, n, actions);
    const result = env.step(actions);
    rows[i] = result.row;
    returns[i] = result.portfolioReturn;
    let exposure = -0;
    for (let k = 0; k < n; k++) {
      exposure += env.weights[k] * result.positions[k];
      each.positions[i * n + k] = result.positions[k];
      each.returns[i * n + k] = result.barReturns[k];
      each.marketReturns[i * n + k] = result.marketReturns[k];
    }
    positions[i] = exposure;
    env.observeAll(obs);
  }
  return {
    rows,
    positions,
    returns,
    metrics: computeMetrics(returns, positions, metricOptions),
    panel: { symbols: [...env.symbols], weights: Array.from(env.weights), ...each },
  };
}

/** Every instrument holds one fixed position every bar (entering from flat): the panel's buy-and-hold at position 1. */
export function panelHoldPolicy(env: PanelTradingEnv, position: number): PanelPolicy {
  const action = env.positions.indexOf(position);
  if (action < 0) throw new RangeError(`position ${position} is not available (positions: ${env.positions.join(', ')})`);
  return (_obs, count, out) => {
    out.fill(action, 0, count);
  };
}

/**
 * A policy that plays pre-drawn schedules, one per instrument laid end to end (instrument k's bar i at
 * k * bars + i), read from the environment's current row as schedulePolicy does for one instrument.
 */
export function panelSchedulePolicy(env: PanelTradingEnv, schedules: ArrayLike<number>): PanelPolicy {
  const bars = env.length;
  if (schedules.length !== bars * env.size) {
    throw new RangeError(`schedules hold ${schedules.length} positions but the panel trades ${env.size} instruments x ${bars} bars`);
  }
  const actions = Int32Array.from({ length: schedules.length }, (_, i) => {
    const action = env.positions.indexOf(schedules[i]);
    if (action < 0) throw new RangeError(`position ${schedules[i]} is not available (positions: ${env.positions.join(', ')})`);
    return action;
  });
  return (_obs, count, out) => {
    const bar = env.currentRow - env.firstDecisionRow;
    for (let k = 0; k < count; k++) out[k] = actions[k * bars + bar];
  };
}
