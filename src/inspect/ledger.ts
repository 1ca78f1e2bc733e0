import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deflationAmong, searchKey, searchTrials } from '../analysis/trial-search.js';
import type { LedgerTrial } from '../records/index.js';
import { layout } from '../store/layout.js';
import { DEFAULT_LEDGER, readLedger } from '../store/trial-ledger.js';

/** One search of a ledger: the configurations tried on one data file's test bars. */
export interface LedgerSearch {
  dataSha256: string;
  /** The data file of the latest trial. */
  dataPath: string;
  segments: number;
  testBars: number;
  firstTestDate: string | null;
  lastTestDate: string | null;
  /** K: distinct configurations; runs: ledger lines. */
  configurations: number;
  runs: number;
  /** The configuration with the highest out-of-sample Sharpe, annualised. */
  best: { experiment: string; study: string | null; annualizedSharpe: number | null } | null;
  /** What luck alone gives the best of K, annualised, and the best's DSR against it (null for K = 1). */
  annualizedExpectedMaxSharpe: number | null;
  bestDsr: number | null;
  /** Every configuration once, with its latest result, best first. */
  trials: Array<{ experiment: string; study: string | null; configHash: string; seed: number; annualizedSharpe: number | null; finishedAt: string }>;
}

export interface LedgerListing {
  ledger: string;
  file: string;
  searches: LedgerSearch[];
  /** The other ledgers kept under the same results folder. */
  others: string[];
  warnings: string[];
}

/** The searches of ledger `name` under `resultsDir`, newest first, each with its configurations and their deflation. */
export async function listLedger(resultsDir: string, name: string = DEFAULT_LEDGER): Promise<LedgerListing> {
  const contents = await readLedger(resultsDir, name);
  const keys = [...new Set(contents.trials.map(searchKey))].reverse();
  const searches = keys.map((key) => describeSearch(searchTrials(contents.trials, key)));
  // No ledgers folder yet: no other ledgers.
  const files = await readdir(join(resultsDir, layout.ledgers.folder)).catch(() => [] as string[]);
  const others = files
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => f.slice(0, -'.jsonl'.length))
    .filter((n) => n !== name)
    .sort();
  return { ledger: name, file: contents.file, searches, others, warnings: contents.warnings };
}

function describeSearch({ configurations, runs }: { configurations: LedgerTrial[]; runs: number }): LedgerSearch {
  const latest = configurations.at(-1) as LedgerTrial;
  const annual = (t: LedgerTrial) => (t.sharpe === null ? null : t.sharpe * Math.sqrt(t.periodsPerYear));
  const ranked = [...configurations].sort((a, b) => (b.sharpe ?? -Infinity) - (a.sharpe ?? -Infinity));
  const best = ranked[0];
  const deflation = deflationAmong(best, configurations);
  return {
    dataSha256: latest.dataSha256,
    dataPath: latest.dataPath,
    segments: latest.testSegments.length,
    testBars: latest.testSegments.reduce((a, [start, end]) => a + end - start, 0),
    firstTestDate: latest.firstTestDate,
    lastTestDate: latest.lastTestDate,
    configurations: configurations.length,
    runs,
    best: { experiment: best.experiment, study: best.study, annualizedSharpe: annual(best) },
    annualizedExpectedMaxSharpe: deflation.annualizedExpectedMaxSharpe,
    bestDsr: deflation.dsr,
    trials: ranked.map((t) => ({
      experiment: t.experiment,
      study: t.study,
      configHash: t.configHash,
      seed: t.seed,
      annualizedSharpe: annual(t),
      finishedAt: t.finishedAt,
    })),
  };
}
