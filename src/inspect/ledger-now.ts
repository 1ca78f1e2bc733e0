import { resolve } from 'node:path';
import { withTrials } from '../analysis/experiment-luck.js';
import { configurationKey, countedTrials, searchKey } from '../analysis/trial-search.js';
import type { ExperimentLuck, WalkforwardSummary } from '../records/index.js';
import { layout } from '../store/layout.js';
import { readLedgerFile } from '../store/trial-ledger.js';

/** What the production card and `wfo act` say when the study behind a model is indistinguishable from chance. */
export function chanceWarning(luck: Pick<ExperimentLuck, 'verdict'>): string | null {
  return luck.verdict === 'indistinguishable from chance'
    ? `the walk-forward study is indistinguishable from chance: its out-of-sample record gives no evidence that trading this procedure beats luck (evidence.luck in ${layout.production.card} has the statistics)`
    : null;
}

export interface LuckNow {
  /** The summary's luck with the trials the ledger holds now (the verdict recomputed with them). */
  luck: ExperimentLuck;
  /** K when the run finished, where the ledger now counts another K; else null. */
  countedThen: number | null;
  warnings: string[];
}

/**
 * The luck of a finished experiment as the trial ledger judges it now: configurations tried on the same bars after
 * this run finished count too. Falls back to what the summary recorded when the ledger or the run's line is gone.
 */
export async function luckNow(experimentRoot: string, summary: WalkforwardSummary): Promise<LuckNow> {
  const recorded = summary.luck.trials;
  if (!recorded) return { luck: summary.luck, countedThen: null, warnings: [] };
  const file = resolve(experimentRoot, recorded.file);
  const contents = await readLedgerFile(file);
  const segments = JSON.stringify(summary.windows.map((w) => [w.test.start, w.test.end]));
  const key = searchKey({ dataSha256: summary.dataSha256, testSegments: JSON.parse(segments) });
  const mine = configurationKey({ configHash: summary.configHash, seed: summary.seed });
  const line = contents.trials.filter((t) => searchKey(t) === key && configurationKey(t) === mine).at(-1);
  if (!line) {
    const why = contents.trials.length ? 'does not hold this run' : 'is missing or empty';
    return {
      luck: summary.luck,
      countedThen: null,
      warnings: [...contents.warnings, `trial ledger ${file} ${why}; the trials are as the summary recorded them`],
    };
  }
  const now = countedTrials(contents.trials, line, { name: recorded.ledger, file: recorded.file });
  return {
    luck: withTrials(summary.luck, now),
    countedThen: now.count === recorded.count ? null : recorded.count,
    warnings: contents.warnings,
  };
}
