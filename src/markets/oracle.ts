import { TradingEnv, type EnvSettings, type MarketView } from '../env/trading-env.js';
import { buyAndHold, runPolicy, type Policy, type SegmentRun } from '../training/evaluate.js';
import type { Metrics } from '../analysis/metrics.js';
import {
  DEFAULT_PERIODS_PER_YEAR,
  resolveSyntheticParams,
  syntheticForecast,
  type ObservedMarket,
  type SyntheticParams,
} from '../data/synthetic/index.js';

/**
 * What "oracle" means here: the myopic conditional-expectation policy. At the close of row t it knows the process
 * and its parameters (and, for the regime kind, the true current state), computes f_t = E[ln(p_{t+1}/p_t) | F_t] and
 * - if |f_t| > band, takes the position sign(f_t) for the next bar (a short becomes flat when shorting is not allowed);
 * - otherwise keeps its current position (the no-trade band: weak forecasts do not pay for a trade).
 * The band defaults to the cost rate c = (costBps + slippageBps) / 1e4: then the rule is exactly
 * argmax over allowed q of q f_t - c |q - q_{t-1}|, the best position for the next bar alone, net of the cost of
 * getting there. It is not a dynamic program over future costs: a policy with a state-dependent band can beat it.
 * With band 0 and no costs it maximises every bar's expected log return.
 */
export const ORACLE_RULE = 'myopic: position sign(E[next log return | process, state]) when |E| > band, else hold; band = cost rate unless set';

export interface OracleOptions {
  /** No-trade band on |expected next-bar log return|, a fraction per bar (1e-3 = 10 bps). Default: the cost rate. */
  band?: number;
  /** Default 252. Also sets the OU time step. */
  periodsPerYear?: number;
  /** Annual. Default 0. */
  riskFreeRate?: number;
  /**
   * The expected next-bar log return of each row, when the process's own cannot be read off the prices (a panel's
   * symbol with a common factor: see data/synthetic/factor.ts). Default: syntheticForecast of the prices.
   */
  forecast?: Float64Array;
}

export interface OracleResult {
  /** Annualised Sharpe of the oracle's per-bar returns after costs; null when undefined (it never held a position). */
  sharpe: number | null;
  totalReturn: number | null;
  /** Bars traded: rows 2 .. n-1 (the first decision needs row 1's return). */
  bars: number;
  band: number;
  metrics: Metrics;
  /** Buy-and-hold on the same bars and costs (one entry cost). */
  buyAndHold: Metrics;
  /** Its per-bar positions and returns. */
  buyAndHoldRun: SegmentRun;
  /** Per-bar positions and returns after costs, from the real TradingEnv. */
  run: SegmentRun;
}

/** The oracle's position for the next bar (see ORACLE_RULE). */
export function oracleTarget(forecast: number, current: number, band: number, positions: readonly number[]): number {
  if (!(Math.abs(forecast) > band)) return current;
  const want = forecast > 0 ? 1 : -1;
  return positions.includes(want) ? want : 0;
}

/**
 * Runs the oracle of a synthetic process through the project's TradingEnv (next-bar execution, costs per unit
 * of position change) over the whole series, with the metrics conventions of analysis/metrics.ts. The policy reads
 * the env's decision row for the forecast and its current position from the last observation entry.
 */
export function oracleSharpe(series: ObservedMarket, params: SyntheticParams, env: EnvSettings, options: OracleOptions = {}): OracleResult {
  const band = options.band ?? (env.costBps + env.slippageBps) / 1e4;
  if (!(band >= 0)) throw new RangeError(`band: got ${band}; expected a number >= 0`);
  const periodsPerYear = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  const resolved = resolveSyntheticParams(params, { startPrice: series.price[0], periodsPerYear });
  const forecast = options.forecast ?? syntheticForecast(series, resolved, periodsPerYear);
  if (forecast.length !== series.price.length) throw new RangeError(`forecast: ${forecast.length} rows for ${series.price.length} prices`);
  const market = oracleMarket(series.price);
  const n = series.price.length;
  const metricOptions = { periodsPerYear, riskFreeRate: options.riskFreeRate ?? 0 };
  const tradingEnv = new TradingEnv(market, 0, n, env);
  const policy: Policy = (obs) => {
    const target = oracleTarget(forecast[tradingEnv.currentRow], obs[obs.length - 1], band, tradingEnv.positions);
    return tradingEnv.positions.indexOf(target);
  };
  const run = runPolicy(tradingEnv, policy, metricOptions);
  const hold = buyAndHold(new TradingEnv(market, 0, n, env), metricOptions);
  return {
    sharpe: run.metrics.sharpe,
    totalReturn: run.metrics.totalReturn,
    bars: run.metrics.bars,
    band,
    metrics: run.metrics,
    buyAndHold: hold.metrics,
    buyAndHoldRun: hold,
    run,
  };
}

/** A market whose one feature is the row's log return; the oracle ignores features, the env needs some. */
function oracleMarket(price: ArrayLike<number>): MarketView {
  const n = price.length;
  const logReturns = new Float64Array(n).fill(NaN);
  const simpleReturns = new Float64Array(n).fill(NaN);
  const features = new Float32Array(n);
  for (let t = 1; t < n; t++) {
    logReturns[t] = Math.log(price[t] / price[t - 1]);
    simpleReturns[t] = price[t] / price[t - 1] - 1;
    features[t] = logReturns[t];
  }
  return { features, featureDim: 1, featureNames: ['forecast'], firstValidRow: 1, logReturns, simpleReturns };
}
