import type { MetricOptions } from '../analysis/metrics.js';
import type { TradingEnv } from '../env/trading-env.js';
import { runPolicy, type Policy } from './evaluate.js';
import type { ScheduleEvaluator } from '../analysis/luck/index.js';

/**
 * A policy that ignores its observation and plays a pre-drawn schedule: positions[i] is the position held
 * during the episode's bar i (decided at row firstDecisionRow + i, as runPolicy steps). The bar is read from the
 * environment's current row, so the policy follows the schedule from any reset, without a counter of its own.
 */
export function schedulePolicy(env: TradingEnv, positions: ArrayLike<number>): Policy {
  if (positions.length !== env.length) {
    throw new RangeError(`schedule has ${positions.length} bars but the environment trades ${env.length}`);
  }
  const actions = Int32Array.from({ length: positions.length }, (_, i) => {
    const action = env.positions.indexOf(positions[i]);
    if (action < 0) throw new RangeError(`position ${positions[i]} at bar ${i} is not available (positions: ${env.positions.join(', ')})`);
    return action;
  });
  return () => {
    const bar = env.currentRow - env.firstDecisionRow;
    if (bar < 0 || bar >= actions.length) throw new RangeError(`row ${env.currentRow} is outside the schedule`);
    return actions[bar];
  };
}

/**
 * Evaluates a schedule by playing it through the real environment with runPolicy (costs, next-bar execution and
 * all), and returns the Sharpe of computeMetrics: annualised with metricOptions, the scale the kept model's
 * runPolicy(...).metrics.sharpe is on.
 */
export function envScheduleEvaluator(env: TradingEnv, metricOptions: MetricOptions): ScheduleEvaluator {
  return (positions) => runPolicy(env, schedulePolicy(env, positions), metricOptions).metrics.sharpe;
}
