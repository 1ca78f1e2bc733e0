/** The numbers a verdict weighs; any may be null where it could not be computed. */
export interface LuckEvidence {
  /** Deflated Sharpe ratio of the kept model (dsr.ts). */
  dsr: number | null;
  /** Probability of backtest overfitting of the selection (pbo.ts); null when there was nothing to select among. */
  pbo: number | null;
  /** Two-sided Newey-West p-value of the mean return (newey-west.ts). */
  neweyWestPValue: number | null;
  /** The kept model's percentile among random policies with its turnover, 0..100 (chance.ts). */
  chancePercentile: number | null;
}

/**
 * Where each number must sit for a result to count as distinguishable from chance. The defaults are the
 * conventional 5% levels (DSR >= 0.95 is the paper's own reading; a p-value at most 0.05; better than 95% of
 * random policies with the same turnover); PBO at most 0.2 is this module's convention (0.5 is what pure
 * noise gives, so anything near it is no evidence).
 */
export interface VerdictThresholds {
  minDsr: number;
  /** null: PBO is reported but does not decide the verdict. */
  maxPbo: number | null;
  maxPValue: number;
  minChancePercentile: number;
}

export const DEFAULT_VERDICT_THRESHOLDS: Readonly<VerdictThresholds> = Object.freeze({
  minDsr: 0.95,
  maxPbo: 0.2,
  maxPValue: 0.05,
  minChancePercentile: 95,
});

export type VerdictLabel = 'distinguishable from chance' | 'indistinguishable from chance';

export interface VerdictCheck {
  name: 'dsr' | 'pbo' | 'neweyWestPValue' | 'chancePercentile';
  value: number | null;
  threshold: number | null;
  /** null when the value is missing (a missing PBO is skipped; any other missing value fails the verdict). */
  passed: boolean | null;
}

export interface LuckVerdict {
  verdict: VerdictLabel;
  /** One plain-English sentence with the numbers behind the verdict. */
  sentence: string;
  checks: VerdictCheck[];
  thresholds: VerdictThresholds;
}

/**
 * Distinguishable from chance when DSR >= minDsr, the Newey-West p-value <= maxPValue and the chance percentile
 * >= minChancePercentile, all three present, and PBO <= maxPbo when PBO is known (a single candidate has none).
 * Otherwise indistinguishable: the evidence does not separate the result from luck.
 */
export function luckVerdict(evidence: LuckEvidence, thresholds: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS): LuckVerdict {
  const t = { ...thresholds };
  const atLeast = (v: number | null, min: number): boolean | null => (v === null ? null : v >= min);
  const atMost = (v: number | null, max: number): boolean | null => (v === null ? null : v <= max);
  const checks: VerdictCheck[] = [
    { name: 'dsr', value: evidence.dsr, threshold: t.minDsr, passed: atLeast(evidence.dsr, t.minDsr) },
    { name: 'neweyWestPValue', value: evidence.neweyWestPValue, threshold: t.maxPValue, passed: atMost(evidence.neweyWestPValue, t.maxPValue) },
    {
      name: 'chancePercentile',
      value: evidence.chancePercentile,
      threshold: t.minChancePercentile,
      passed: atLeast(evidence.chancePercentile, t.minChancePercentile),
    },
    { name: 'pbo', value: evidence.pbo, threshold: t.maxPbo, passed: t.maxPbo === null ? null : atMost(evidence.pbo, t.maxPbo) },
  ];
  const distinguishable = checks.every((c) => c.passed === true || (c.name === 'pbo' && c.passed === null));
  const verdict: VerdictLabel = distinguishable ? 'distinguishable from chance' : 'indistinguishable from chance';
  const clauses = checks.map(describe);
  const list = `${clauses.slice(0, -1).join(', ')} and ${clauses[clauses.length - 1]}`;
  const label = verdict[0].toUpperCase() + verdict.slice(1);
  return { verdict, sentence: `${label}: ${list}.`, checks, thresholds: t };
}

function describe(check: VerdictCheck): string {
  const { value, threshold, passed } = check;
  switch (check.name) {
    case 'dsr':
      return value === null
        ? 'the deflated Sharpe ratio is not available'
        : `the deflated Sharpe ratio ${value.toFixed(3)} ${passed ? 'reaches' : 'falls short of'} ${threshold}`;
    case 'neweyWestPValue':
      return value === null
        ? 'the Newey-West p-value is not available'
        : `the Newey-West p-value ${formatP(value)} is ${passed ? 'within' : 'above'} ${threshold}`;
    case 'chancePercentile':
      return value === null
        ? 'the chance percentile is not available'
        : `the kept model ranks at percentile ${value.toFixed(1)} among random policies with its turnover (${passed ? 'at least' : 'below'} ${threshold})`;
    case 'pbo':
      if (threshold === null) {
        return value === null
          ? 'the probability of backtest overfitting is not available'
          : `the probability of backtest overfitting is ${value.toFixed(2)} (${value >= 0.5 ? 'choosing the best candidate on validation did no better out of sample than a median one' : 'the best candidate on validation tended to stay above the median out of sample'})`;
      }
      return value === null
        ? 'the probability of backtest overfitting is not available (not counted)'
        : `the probability of backtest overfitting ${value.toFixed(2)} is ${passed ? 'within' : 'above'} ${threshold}`;
  }
}

function formatP(p: number): string {
  if (p === 0) return '0';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}
