import { computeMetrics, score } from '../../src/analysis/metrics.js';

const opts = { periodsPerYear: 252, riskFreeRate: 0 };

describe('computeMetrics', () => {
  // Four bars: long, long, short, flat. Values worked by hand below.
  const returns = [0.01, -0.02, 0.03, 0];
  const positions = [1, 1, -1, 0];
  const m = computeMetrics(returns, positions, opts);

  test('return, CAGR, volatility, Sharpe and Sortino follow the stated formulas', () => {
    const total = 1.01 * 0.98 * 1.03 - 1;
    expect(m.totalReturn).toBeCloseTo(total, 12);
    expect(m.cagr).toBeCloseTo((1 + total) ** (252 / 4) - 1, 9);
    const mean = 0.005;
    const std = Math.sqrt((0.005 ** 2 + 0.025 ** 2 + 0.025 ** 2 + 0.005 ** 2) / 3);
    expect(m.annualVolatility).toBeCloseTo(std * Math.sqrt(252), 12);
    expect(m.sharpe).toBeCloseTo((mean / std) * Math.sqrt(252), 10);
    expect(m.sharpe).toBeCloseTo(3.813, 3);
    const downside = Math.sqrt(0.02 ** 2 / 4) * Math.sqrt(252);
    expect(m.sortino).toBeCloseTo((mean * 252) / downside, 10);
  });

  test('drawdown is measured from the running peak and Calmar divides CAGR by it', () => {
    expect(m.maxDrawdown).toBeCloseTo(0.98 - 1, 12);
    expect(m.calmar).toBeCloseTo((m.cagr as number) / 0.02, 8);
  });

  test('trades, turnover, exposure and both win rates', () => {
    expect(m.numTrades).toBe(2);
    expect(m.winRateTrades).toBe(0.5);
    expect(m.turnover).toBe(1);
    expect(m.exposure).toBe(0.75);
    expect(m.winRatePeriods).toBeCloseTo(2 / 3, 12);
  });

  test('a risk-free rate is taken per bar from the annual rate', () => {
    const withRf = computeMetrics(returns, positions, { periodsPerYear: 252, riskFreeRate: 0.05 });
    const rf = 1.05 ** (1 / 252) - 1;
    const std = Math.sqrt((0.005 ** 2 + 0.025 ** 2 + 0.025 ** 2 + 0.005 ** 2) / 3);
    expect(withRf.sharpe).toBeCloseTo(((0.005 - rf) / std) * Math.sqrt(252), 10);
  });

  test('undefined metrics are null with a reason, never NaN or Infinity', () => {
    const flat = computeMetrics([0, 0, 0], [0, 0, 0], opts);
    expect(flat.sharpe).toBeNull();
    expect(flat.nullReasons.sharpe).toBe('zero volatility');
    expect(flat.calmar).toBeNull();
    expect(flat.nullReasons.winRateTrades).toBe('no trades');
    expect(score(flat, 'sharpe')).toBe(-Infinity);
    const empty = computeMetrics([], [], opts);
    expect(empty.totalReturn).toBeNull();
    expect(empty.nullReasons.totalReturn).toBe('no bars');
  });
});
