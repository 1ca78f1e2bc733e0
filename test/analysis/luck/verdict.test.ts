import { DEFAULT_VERDICT_THRESHOLDS, luckVerdict } from '../../../src/analysis/luck/index.js';

const strong = { psr: 0.991, neweyWestPValue: 0.004, chancePercentile: 99.2 };

describe('luckVerdict', () => {
  test('one configuration, all three out-of-sample numbers on the right side: distinguishable, every number in one sentence', () => {
    const v = luckVerdict(strong);
    expect(v.verdict).toBe('distinguishable from chance');
    expect(v.sentence).toBe(
      'Distinguishable from chance: the probabilistic Sharpe ratio against 0 is 0.991 (at least 0.95), the one-sided Newey-West ' +
        'p-value 0.004 is within 0.05 and the strategy ranks at percentile 99.2 among random policies with its turnover (at least 95).',
    );
    expect(v.checks.map((c) => c.name)).toEqual(['psr', 'neweyWestPValue', 'chancePercentile']);
    expect(v.checks.every((c) => c.passed)).toBe(true);
  });

  test.each([
    { name: 'PSR below 0.95', change: { psr: 0.9 }, failing: 'psr', text: 'the probabilistic Sharpe ratio against 0 is 0.900 (below 0.95)' },
    {
      name: 'p-value above 0.05',
      change: { neweyWestPValue: 0.2 },
      failing: 'neweyWestPValue',
      text: 'the one-sided Newey-West p-value 0.200 is above 0.05',
    },
    {
      name: 'chance percentile below 95',
      change: { chancePercentile: 70 },
      failing: 'chancePercentile',
      text: 'percentile 70.0 among random policies with its turnover (below 95)',
    },
    { name: 'a missing PSR', change: { psr: null }, failing: 'psr', text: 'the probabilistic Sharpe ratio is not available' },
    { name: 'a missing p-value', change: { neweyWestPValue: null }, failing: 'neweyWestPValue', text: 'p-value is not available' },
  ])('$name: indistinguishable from chance, and the sentence says why', ({ change, failing, text }) => {
    const v = luckVerdict({ ...strong, ...change });
    expect(v.verdict).toBe('indistinguishable from chance');
    expect(v.sentence.startsWith('Indistinguishable from chance: ')).toBe(true);
    expect(v.sentence).toContain(text);
    expect(v.checks.find((c) => c.name === failing)?.passed).not.toBe(true);
  });

  test('several configurations tried: the DSR over them joins the verdict, and the sentence says how many and what luck gives', () => {
    const searched = { ...strong, trials: { dsr: 0.62, count: 20, annualizedExpectedMaxSharpe: 1.234 } };
    const v = luckVerdict(searched);
    expect(v.verdict).toBe('indistinguishable from chance');
    expect(v.sentence).toBe(
      'Indistinguishable from chance: you have tried 20 configurations on these bars; luck alone would give the best an annualized ' +
        'Sharpe ratio of 1.23; the deflated Sharpe ratio over those trials 0.620 falls short of 0.95, the probabilistic Sharpe ratio ' +
        'against 0 is 0.991 (at least 0.95), the one-sided Newey-West p-value 0.004 is within 0.05 and the strategy ranks at ' +
        'percentile 99.2 among random policies with its turnover (at least 95).',
    );
    expect(v.checks[0]).toEqual({ name: 'trialsDsr', value: 0.62, threshold: 0.95, passed: false });
    expect(luckVerdict({ ...searched, trials: { ...searched.trials, dsr: 0.97 } }).verdict).toBe('distinguishable from chance');
    expect(luckVerdict({ ...searched, trials: { ...searched.trials, dsr: null } }).verdict).toBe('indistinguishable from chance');
  });

  test('one configuration in the ledger is no search: nothing to deflate for', () => {
    const v = luckVerdict({ ...strong, trials: { dsr: null, count: 1, annualizedExpectedMaxSharpe: null } });
    expect(v.verdict).toBe('distinguishable from chance');
    expect(v.sentence).not.toContain('configurations');
  });

  test('PBO is judged only when the thresholds give a maximum, and a missing PBO is then skipped', () => {
    expect(luckVerdict({ ...strong, pbo: 0.6 }).verdict).toBe('distinguishable from chance');
    const judged = { ...DEFAULT_VERDICT_THRESHOLDS, maxPbo: 0.2 };
    expect(luckVerdict({ ...strong, pbo: 0.6 }, judged).sentence).toContain('the probability of backtest overfitting 0.60 is above 0.2');
    expect(luckVerdict({ ...strong, pbo: null }, judged).verdict).toBe('distinguishable from chance');
  });

  test('the thresholds sit at their edges inclusively and can be changed', () => {
    expect(luckVerdict({ psr: 0.95, neweyWestPValue: 0.05, chancePercentile: 95 }).verdict).toBe('distinguishable from chance');
    expect(luckVerdict(strong, { ...DEFAULT_VERDICT_THRESHOLDS, minPsr: 0.995 }).verdict).toBe('indistinguishable from chance');
    expect(DEFAULT_VERDICT_THRESHOLDS).toEqual({ minPsr: 0.95, maxPValue: 0.05, minChancePercentile: 95, minDsr: 0.95, maxPbo: null });
  });

  test('tiny p-values are written in exponent form', () => {
    expect(luckVerdict({ ...strong, neweyWestPValue: 3.2e-7 }).sentence).toContain('p-value 3.2e-7 is within 0.05');
  });
});
