import { trialDeflation, type TrialDeflation } from './luck/index.js';
import type { LedgerTrial, LedgerTrials } from '../records/index.js';

/** Where a trial was tested: the data and the test segments. Runs with the same key are trials of one search. */
export function searchKey(t: Pick<LedgerTrial, 'dataSha256' | 'testSegments'>): string {
  return `${t.dataSha256}:${JSON.stringify(t.testSegments)}`;
}

/** One configuration tried: the config hash and the seed. */
export function configurationKey(t: Pick<LedgerTrial, 'configHash' | 'seed'>): string {
  return `${t.configHash}:${t.seed}`;
}

/** The trials of one search: every configuration once, with its latest result, and how many lines the search holds. */
export function searchTrials(trials: readonly LedgerTrial[], key: string): { configurations: LedgerTrial[]; runs: number } {
  const latest = new Map<string, LedgerTrial>();
  let runs = 0;
  for (const t of trials) {
    if (searchKey(t) !== key) continue;
    runs++;
    latest.delete(configurationKey(t));
    latest.set(configurationKey(t), t);
  }
  return { configurations: [...latest.values()], runs };
}

/**
 * `trial`'s deflated Sharpe ratio against what luck gives the best of `tried` (itself among them); a configuration
 * that never traded counts with a Sharpe ratio of 0.
 */
export function deflationAmong(trial: LedgerTrial, tried: readonly LedgerTrial[]): TrialDeflation {
  const sample =
    trial.sharpe === null || trial.skewness === null || trial.kurtosis === null
      ? null
      : { sharpe: trial.sharpe, bars: trial.bars, skewness: trial.skewness, kurtosis: trial.kurtosis };
  return trialDeflation(
    sample,
    tried.map((c) => c.sharpe ?? 0),
    trial.periodsPerYear,
  );
}

/**
 * What the ledger says about `run`'s search: the configurations tried on its data and test bars (its own included,
 * also when the ledger does not hold it yet) and its deflated Sharpe ratio against the best of them by luck.
 */
export function countedTrials(all: readonly LedgerTrial[], run: LedgerTrial, ledger: { name: string; file: string }): LedgerTrials {
  const key = searchKey(run);
  const { configurations, runs } = searchTrials(all, key);
  const tried = [...configurations.filter((c) => configurationKey(c) !== configurationKey(run)), run];
  const isRun = (t: LedgerTrial) =>
    searchKey(t) === key && configurationKey(t) === configurationKey(run) && t.experiment === run.experiment && t.finishedAt === run.finishedAt;
  const d = deflationAmong(run, tried);
  return {
    ledger: ledger.name,
    file: ledger.file,
    count: d.count,
    runs: runs + (all.some(isRun) ? 0 : 1),
    sharpeVariance: d.sharpeVariance,
    expectedMaxSharpe: d.expectedMaxSharpe,
    annualizedExpectedMaxSharpe: d.annualizedExpectedMaxSharpe,
    annualizedBestSharpe: d.annualizedBestSharpe,
    dsr: d.dsr,
    reason: d.reason,
  };
}
