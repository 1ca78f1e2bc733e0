import type { SelectionMetric } from '../records/index.js';
/**
 * Performance metrics of a per-bar return series, with the conventions of empyrical:
 * - returns are simple per-bar returns after costs; totalReturn = prod(1 + r) - 1
 * - CAGR = (1 + totalReturn)^(periodsPerYear / bars) - 1
 * - annualVolatility = std(r, ddof 1) * sqrt(periodsPerYear)
 * - sharpe = mean(r - rf) / std(r - rf, ddof 1) * sqrt(periodsPerYear), rf = per-bar risk-free rate
 * - sortino = mean(r - rf) * periodsPerYear / (sqrt(mean(min(r - rf, 0)^2)) * sqrt(periodsPerYear)),
 *   downside deviation over all periods
 * - maxDrawdown = min over t of wealth_t / max(1, wealth_0..t) - 1 (a negative fraction; 0 when never below a peak)
 * - calmar = CAGR / |maxDrawdown|
 * - trades: a trade is a maximal run of bars holding the same non-zero position; winRateTrades is the share of
 *   trades whose compounded return is positive; winRatePeriods the share of bars in the market with a positive return
 * - turnover = sum |position change| / bars; exposure = share of bars with a non-zero position
 * A metric that is undefined (zero volatility, no drawdown, no trades) is null, with the reason in nullReasons.
 */
export interface Metrics {
  bars: number;
  totalReturn: number | null;
  cagr: number | null;
  annualVolatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number | null;
  calmar: number | null;
  numTrades: number;
  turnover: number | null;
  exposure: number | null;
  winRateTrades: number | null;
  winRatePeriods: number | null;
  nullReasons: Record<string, string>;
}

export interface MetricOptions {
  periodsPerYear: number;
  /** Annual risk-free rate. */
  riskFreeRate: number;
}

/** A metric that selection can score by (records/common.ts lists them). */
export type MetricName = SelectionMetric;

/** positions[i] is the position held during bar i (the one that earned returns[i]); previousPosition precedes bar 0. */
export function computeMetrics(returns: ArrayLike<number>, positions: ArrayLike<number>, options: MetricOptions, previousPosition = 0): Metrics {
  const n = returns.length;
  const reasons: Record<string, string> = {};
  const ppy = options.periodsPerYear;
  const rf = (1 + options.riskFreeRate) ** (1 / ppy) - 1;
  const undefinedAs = (key: string, reason: string): null => {
    reasons[key] = reason;
    return null;
  };
  if (n === 0) {
    const none = 'no bars';
    const m = emptyMetrics();
    for (const k of Object.keys(m)) if ((m as unknown as Record<string, unknown>)[k] === null) reasons[k] = none;
    return { ...m, nullReasons: reasons };
  }

  let wealth = 1;
  let peak = 1;
  let maxDd = 0;
  let sumExcess = 0;
  let sumDownSq = 0;
  for (let i = 0; i < n; i++) {
    wealth *= 1 + returns[i];
    peak = Math.max(peak, wealth);
    maxDd = Math.min(maxDd, wealth / peak - 1);
    const excess = returns[i] - rf;
    sumExcess += excess;
    sumDownSq += Math.min(excess, 0) ** 2;
  }
  const meanExcess = sumExcess / n;
  let ssExcess = 0;
  let ssRaw = 0;
  let meanRaw = 0;
  for (let i = 0; i < n; i++) meanRaw += returns[i];
  meanRaw /= n;
  for (let i = 0; i < n; i++) {
    ssExcess += (returns[i] - rf - meanExcess) ** 2;
    ssRaw += (returns[i] - meanRaw) ** 2;
  }
  const stdExcess = n > 1 ? Math.sqrt(ssExcess / (n - 1)) : NaN;
  const stdRaw = n > 1 ? Math.sqrt(ssRaw / (n - 1)) : NaN;
  const totalReturn = wealth - 1;
  const cagr = wealth > 0 ? wealth ** (ppy / n) - 1 : undefinedAs('cagr', 'wealth reached zero');
  const annualVolatility = Number.isFinite(stdRaw) ? stdRaw * Math.sqrt(ppy) : undefinedAs('annualVolatility', 'needs at least 2 bars');
  const sharpe =
    stdExcess > 0 ? (meanExcess / stdExcess) * Math.sqrt(ppy) : undefinedAs('sharpe', n > 1 ? 'zero volatility' : 'needs at least 2 bars');
  const downside = Math.sqrt(sumDownSq / n) * Math.sqrt(ppy);
  const sortino = downside > 0 ? (meanExcess * ppy) / downside : undefinedAs('sortino', 'no return below the risk-free rate');
  const calmar = maxDd < 0 && cagr !== null ? cagr / Math.abs(maxDd) : undefinedAs('calmar', 'no drawdown');

  const trades = tradeReturns(returns, positions, previousPosition);
  let turnover = 0;
  let exposed = 0;
  let exposedWins = 0;
  let prev = previousPosition;
  for (let i = 0; i < n; i++) {
    turnover += Math.abs(positions[i] - prev);
    prev = positions[i];
    if (positions[i] !== 0) {
      exposed++;
      if (returns[i] > 0) exposedWins++;
    }
  }
  return {
    bars: n,
    totalReturn,
    cagr,
    annualVolatility,
    sharpe,
    sortino,
    maxDrawdown: maxDd,
    calmar,
    numTrades: trades.length,
    turnover: turnover / n,
    exposure: exposed / n,
    winRateTrades: trades.length ? trades.filter((r) => r > 0).length / trades.length : undefinedAs('winRateTrades', 'no trades'),
    winRatePeriods: exposed ? exposedWins / exposed : undefinedAs('winRatePeriods', 'never in the market'),
    nullReasons: reasons,
  };
}

/** Compounded return of each trade (maximal run of one non-zero position). */
function tradeReturns(returns: ArrayLike<number>, positions: ArrayLike<number>, previousPosition: number): number[] {
  const out: number[] = [];
  let current = previousPosition;
  let growth = 1;
  for (let i = 0; i < returns.length; i++) {
    const p = positions[i];
    if (p !== current) {
      if (current !== 0 && i > 0) out.push(growth - 1);
      growth = 1;
      current = p;
    }
    if (p !== 0) growth *= 1 + returns[i];
  }
  if (current !== 0) out.push(growth - 1);
  return out;
}

function emptyMetrics(): Omit<Metrics, 'nullReasons'> {
  return {
    bars: 0,
    totalReturn: null,
    cagr: null,
    annualVolatility: null,
    sharpe: null,
    sortino: null,
    maxDrawdown: null,
    calmar: null,
    numTrades: 0,
    turnover: null,
    exposure: null,
    winRateTrades: null,
    winRatePeriods: null,
  };
}

/** The selection score of a metrics record; null metrics score as -Infinity (never selected over a real score). */
export function score(metrics: Metrics, metric: MetricName): number {
  const value = metrics[metric];
  return value === null ? -Infinity : value;
}
