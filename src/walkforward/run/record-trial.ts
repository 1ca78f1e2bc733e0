import { basename, dirname, relative, resolve } from 'node:path';
import { returnMoments } from '../../analysis/luck/index.js';
import { countedTrials } from '../../analysis/trial-search.js';
import type { MetricOptions } from '../../analysis/metrics.js';
import type { PipelineConfig } from '../../config/schema.js';
import type { LedgerTrial, LedgerTrials } from '../../records/index.js';
import { ownershipOf } from '../../store/ownership.js';
import { appendTrial, checkLedger } from '../../store/trial-ledger.js';
import type { Window } from '../../windows/build-windows.js';

/**
 * Where a run's ledger lives: the results folder's root. A sweep's points run inside their study's folder, so their
 * ledger is the one beside the study: a sweep counts with the runs made before it on the same data.
 */
export async function ledgerHome(resultsDir: string): Promise<{ root: string; study: string | null }> {
  const dir = resolve(resultsDir);
  const study = await ownershipOf(dir, 'study');
  return study.state === 'ours' ? { root: dirname(dir), study: basename(dir) } : { root: dir, study: null };
}

/** Refuses, before any training, a ledger this run could not append to (a file or folder that is not ours). */
export async function checkRunLedger(config: PipelineConfig): Promise<void> {
  const { root } = await ledgerHome(config.resultsDir);
  await checkLedger(root, config.ledger.name);
}

export interface TrialInputs {
  config: PipelineConfig;
  experiment: string;
  experimentRoot: string;
  seed: number;
  configHash: string;
  dataSha256: string;
  windows: readonly Window[];
  dates: readonly string[] | null;
  returns: readonly number[];
  metricOptions: MetricOptions;
  now: () => Date;
  /** A ledger line skipped on reading (torn or not a trial). */
  warn: (line: string) => void;
  /** The line recorded, with the configurations the search now holds. */
  recorded: (line: string, trials: LedgerTrials) => void;
}

/** Appends the finished run to its ledger and returns what the ledger says about its search. */
export async function recordTrial(s: TrialInputs): Promise<LedgerTrials> {
  const { root, study } = await ledgerHome(s.config.resultsDir);
  const m = returnMoments(s.returns);
  const segments = s.windows.map((w) => [w.test.start, w.test.end] as [number, number]);
  const trial: LedgerTrial = {
    kind: 'trial',
    experiment: s.experiment,
    study,
    configHash: s.configHash,
    seed: s.seed,
    dataSha256: s.dataSha256,
    dataPath: s.config.data.path,
    testSegments: segments,
    firstTestDate: segments.length ? (s.dates?.[segments[0][0]] ?? null) : null,
    lastTestDate: segments.length ? (s.dates?.[(segments.at(-1) as [number, number])[1] - 1] ?? null) : null,
    bars: m.bars,
    sharpe: m.sharpe,
    mean: m.mean,
    std: m.std,
    skewness: m.skewness,
    kurtosis: m.kurtosis,
    periodsPerYear: s.metricOptions.periodsPerYear,
    finishedAt: s.now().toISOString(),
  };
  const name = s.config.ledger.name;
  const contents = await appendTrial(root, name, trial, s.now);
  for (const w of contents.warnings) s.warn(w);
  const trials = countedTrials(contents.trials, trial, { name, file: relative(s.experimentRoot, contents.file).split('\\').join('/') });
  s.recorded(
    `counted in trial ledger ${name} (${contents.file}): ${trials.count} ${trials.count === 1 ? 'configuration' : 'configurations'} tried on these data and test bars`,
    trials,
  );
  return trials;
}
