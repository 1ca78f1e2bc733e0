import { DEFAULT_VERDICT_THRESHOLDS, luckVerdict } from '../../../src/analysis/luck/index.js';

const strong = { dsr: 0.982, pbo: 0.08, neweyWestPValue: 0.004, chancePercentile: 99.2 };

describe('luckVerdict', () => {
  test('all four numbers on the right side: distinguishable, with every number in one sentence', () => {
    const v = luckVerdict(strong);
    expect(v.verdict).toBe('distinguishable from chance');
    expect(v.sentence).toBe(
      'Distinguishable from chance: the deflated Sharpe ratio 0.982 reaches 0.95, the Newey-West p-value 0.004 is within 0.05, ' +
        'the kept model ranks at percentile 99.2 among random policies with its turnover (at least 95) and the probability of ' +
        'backtest overfitting 0.08 is within 0.2.',
    );
    expect(v.checks.every((c) => c.passed)).toBe(true);
  });

  test.each([
    { name: 'DSR below 0.95', change: { dsr: 0.9 }, failing: 'dsr', text: 'the deflated Sharpe ratio 0.900 falls short of 0.95' },
    { name: 'p-value above 0.05', change: { neweyWestPValue: 0.2 }, failing: 'neweyWestPValue', text: 'the Newey-West p-value 0.200 is above 0.05' },
    {
      name: 'chance percentile below 95',
      change: { chancePercentile: 70 },
      failing: 'chancePercentile',
      text: 'percentile 70.0 among random policies with its turnover (below 95)',
    },
    { name: 'PBO above 0.2', change: { pbo: 0.45 }, failing: 'pbo', text: 'overfitting 0.45 is above 0.2' },
    { name: 'a missing DSR', change: { dsr: null }, failing: 'dsr', text: 'the deflated Sharpe ratio is not available' },
    { name: 'a missing p-value', change: { neweyWestPValue: null }, failing: 'neweyWestPValue', text: 'p-value is not available' },
  ])('$name: indistinguishable from chance, and the sentence says why', ({ change, failing, text }) => {
    const v = luckVerdict({ ...strong, ...change });
    expect(v.verdict).toBe('indistinguishable from chance');
    expect(v.sentence.startsWith('Indistinguishable from chance: ')).toBe(true);
    expect(v.sentence).toContain(text);
    expect(v.checks.find((c) => c.name === failing)?.passed).not.toBe(true);
  });

  test('a missing PBO (one candidate) is skipped, not failed', () => {
    const v = luckVerdict({ ...strong, pbo: null });
    expect(v.verdict).toBe('distinguishable from chance');
    expect(v.sentence).toContain('the probability of backtest overfitting is not available (not counted)');
  });

  test('the thresholds sit at their edges inclusively and can be changed', () => {
    expect(luckVerdict({ dsr: 0.95, pbo: 0.2, neweyWestPValue: 0.05, chancePercentile: 95 }).verdict).toBe('distinguishable from chance');
    expect(luckVerdict(strong, { ...DEFAULT_VERDICT_THRESHOLDS, minDsr: 0.99 }).verdict).toBe('indistinguishable from chance');
    expect(DEFAULT_VERDICT_THRESHOLDS).toEqual({ minDsr: 0.95, maxPbo: 0.2, maxPValue: 0.05, minChancePercentile: 95 });
  });

  test('tiny p-values are written in exponent form', () => {
    expect(luckVerdict({ ...strong, neweyWestPValue: 3.2e-7 }).sentence).toContain('p-value 3.2e-7 is within 0.05');
  });
});
