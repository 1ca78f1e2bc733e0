/** The numbers a verdict weighs; any may be null where it could not be computed. */
export interface LuckEvidence {
  /** Probabilistic Sharpe ratio of the out-of-sample returns against a Sharpe of 0 (psr.ts). */
  psr: number | null;
  /**
   * One-sided Newey-West p-value of a positive mean return (newey-west.ts gives the two-sided one): skill shows as
   * gains, so the hypothesis is a mean above 0, as PSR's is a Sharpe above 0.
   */
  neweyWestPValue: number | null;
  /** The strategy's percentile among random policies with its turnover, 0..100 (chance.ts). */
  chancePercentile: number | null;
  /**
   * The deflated Sharpe ratio against the configurations tried on the same bars (trial-deflation.ts); absent when
   * only one was tried: then there was no search to deflate for.
   */
  trials?: { dsr: number | null; count: number; annualizedExpectedMaxSharpe: number | null } | null;
  /** Probability of backtest overfitting; judged only when the thresholds give maxPbo. */
  pbo?: number | null;
}

/**
 * Where each number must sit for a result to count as distinguishable from chance: the conventional 5% levels, each
 * one-sided, since only gains are evidence of skill. A PSR of 0.95 tests a Sharpe above 0 allowing for skewness and
 * fat tails; the Newey-West p-value tests a mean above 0 allowing for autocorrelation; 95% of random policies with the
 * same turnover must do worse;
 * and when several configurations were tried on the same bars the DSR (the PSR against what luck gives the best of
 * them) must reach 0.95 too.
 */
export interface VerdictThresholds {
  minPsr: number;
  maxPValue: number;
  minChancePercentile: number;
  minDsr: number;
  /** null: PBO is reported but does not decide the verdict. */
  maxPbo: number | null;
}

export const DEFAULT_VERDICT_THRESHOLDS: Readonly<VerdictThresholds> = Object.freeze({
  minPsr: 0.95,
  maxPValue: 0.05,
  minChancePercentile: 95,
  minDsr: 0.95,
  maxPbo: null,
});

export type VerdictLabel = 'distinguishable from chance' | 'indistinguishable from chance';

export interface VerdictCheck {
  name: 'psr' | 'neweyWestPValue' | 'chancePercentile' | 'trialsDsr' | 'pbo';
  value: number | null;
  threshold: number | null;
  /** null when PBO is missing or not judged; any other missing value fails the verdict. */
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
 * Distinguishable from chance when PSR >= minPsr, the Newey-West p-value <= maxPValue and the chance percentile >=
 * minChancePercentile, all present; when several configurations were tried, also the trials' DSR >= minDsr; and
 * PBO <= maxPbo when the thresholds judge it and it is known. Otherwise indistinguishable.
 */
export function luckVerdict(evidence: LuckEvidence, thresholds: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS): LuckVerdict {
  const t = { ...thresholds };
  const atLeast = (v: number | null, min: number): boolean | null => (v === null ? null : v >= min);
  const atMost = (v: number | null, max: number): boolean | null => (v === null ? null : v <= max);
  const checks: VerdictCheck[] = [];
  if (evidence.trials && evidence.trials.count > 1) {
    const dsr = evidence.trials.dsr;
    checks.push({ name: 'trialsDsr', value: dsr, threshold: t.minDsr, passed: atLeast(dsr, t.minDsr) });
  }
  checks.push(
    { name: 'psr', value: evidence.psr, threshold: t.minPsr, passed: atLeast(evidence.psr, t.minPsr) },
    { name: 'neweyWestPValue', value: evidence.neweyWestPValue, threshold: t.maxPValue, passed: atMost(evidence.neweyWestPValue, t.maxPValue) },
    {
      name: 'chancePercentile',
      value: evidence.chancePercentile,
      threshold: t.minChancePercentile,
      passed: atLeast(evidence.chancePercentile, t.minChancePercentile),
    },
  );
  if (t.maxPbo !== null) {
    const pbo = evidence.pbo ?? null;
    checks.push({ name: 'pbo', value: pbo, threshold: t.maxPbo, passed: atMost(pbo, t.maxPbo) });
  }
  const distinguishable = checks.every((c) => c.passed === true || (c.name === 'pbo' && c.passed === null));
  const verdict: VerdictLabel = distinguishable ? 'distinguishable from chance' : 'indistinguishable from chance';
  const clauses = checks.map(describe);
  const list = `${clauses.slice(0, -1).join(', ')} and ${clauses[clauses.length - 1]}`;
  const label = verdict[0].toUpperCase() + verdict.slice(1);
  const search = evidence.trials && evidence.trials.count > 1 ? `${searchClause(evidence.trials)}; ` : '';
  return { verdict, sentence: `${label}: ${search}${list}.`, checks, thresholds: t };
}

function searchClause(trials: NonNullable<LuckEvidence['trials']>): string {
  const luck = trials.annualizedExpectedMaxSharpe;
  return (
    `you have tried ${trials.count} configurations on these bars` +
    (luck === null ? '' : `; luck alone would give the best an annualized Sharpe ratio of ${luck.toFixed(2)}`)
  );
}

function describe(check: VerdictCheck): string {
  const { value, threshold, passed } = check;
  switch (check.name) {
    case 'trialsDsr':
      return value === null
        ? 'the deflated Sharpe ratio over those trials is not available'
        : `the deflated Sharpe ratio over those trials ${value.toFixed(3)} ${passed ? 'reaches' : 'falls short of'} ${threshold}`;
    case 'psr':
      return value === null
        ? 'the probabilistic Sharpe ratio is not available'
        : `the probabilistic Sharpe ratio against 0 is ${value.toFixed(3)} (${passed ? 'at least' : 'below'} ${threshold})`;
    case 'neweyWestPValue':
      return value === null
        ? 'the one-sided Newey-West p-value is not available'
        : `the one-sided Newey-West p-value ${formatP(value)} is ${passed ? 'within' : 'above'} ${threshold}`;
    case 'chancePercentile':
      return value === null
        ? 'the chance percentile is not available'
        : `the strategy ranks at percentile ${value.toFixed(1)} among random policies with its turnover (${passed ? 'at least' : 'below'} ${threshold})`;
    case 'pbo':
      return value === null
        ? 'the probability of backtest overfitting is not available (not counted)'
        : `the probability of backtest overfitting ${value.toFixed(2)} is ${passed ? 'within' : 'above'} ${threshold}`;
  }
}

function formatP(p: number): string {
  if (p === 0) return '0';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}
