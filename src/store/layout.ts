import { join } from 'node:path';
import { UsageError } from '../errors/index.js';
import type { FileKind } from '../records/index.js';

/**
 * Every name inside results/<id>/, built and parsed here and nowhere else (in the spirit of Orbax's NameFormat).
 * Relative names use '/' whatever the platform: they are what the index records. `experimentPaths` gives the same
 * names as absolute paths.
 */
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iterationFolder = (n: number) => `iterations/iter_${n}`;
/** Seed 0 of an iteration keeps the folder of a one-seed run; seed k >= 1 trains under iterations/iter_N/seed_K. */
const seedFolder = (n: number, seed = 0) => (seed === 0 ? iterationFolder(n) : `${iterationFolder(n)}/seed_${seed}`);
const trainingFolder = (n: number, seed = 0) => `${seedFolder(n, seed)}/training`;

export const layout = {
  /** Written first into every folder this program makes (or adopts): what it holds is ours. See store/ownership.ts. */
  ownerMarker: '.wfo-owner.json',
  config: 'config.json',
  index: 'checkpoint_index.json',
  lock: '.lock',
  journal: 'cleanup_journal.jsonl',
  runLog: 'run.log',
  summary: 'walkforward_summary.json',
  checkpointSummary: 'checkpoint_summary.json',
  oosReturns: 'oos_returns.csv',
  /** A panel run's instruments, one row per instrument per out-of-sample bar. */
  oosPositions: 'oos_positions.csv',
  bestModel: 'best_model.zip',
  bestModelJson: 'best_model.json',
  report: 'report.html',
  visualizations: 'visualizations',
  checkpoints: 'checkpoints',
  iterations: 'iterations',
  archiveFolder: 'archive',
  /**
   * The production model: the procedure trained once more on the newest window (ending at the last bar), its card
   * (what it was trained on and the walk-forward evidence behind it), and the exports written from models.
   */
  production: { folder: 'production', model: 'production/model.zip', card: 'production/model_card.json' },
  exports: 'exports',
  /** One export of `wfo export`: a folder per model and format under exports/ (iter_3_onnx, production_tfjs). */
  exportFolder: (source: number | 'production', format: 'onnx' | 'tfjs') =>
    `exports/${source === 'production' ? 'production' : `iter_${source}`}_${format}`,
  /**
   * The files of an export folder besides a tfjs export's model.json and weights.bin (the model zip's entry names);
   * `manifest` is written last and marks the folder as an export this program wrote.
   */
  exportFiles: { onnx: 'policy.onnx', manifest: 'export.json' },
  /** TensorBoard event files: not indexed, not checkpoints; `tensorboard --logdir results/<id>/tensorboard`. */
  tensorboard: 'tensorboard',
  /** Seed 0's curves (and a one-seed run's) in tensorboard/iter_NNN/, seed k >= 1's in tensorboard/iter_NNN/seed_k/: one run each. */
  tensorboardIteration: (n: number, seed = 0) => `tensorboard/iter_${pad(n, 3)}${seed === 0 ? '' : `/seed_${seed}`}`,
  tensorboardExperiment: 'tensorboard/experiment',
  iterationFolder,
  seedFolder,
  trainingFolder,
  currentBest: (n: number, seed = 0) => `${seedFolder(n, seed)}/curr_best_model.zip`,
  trainingCheckpoint: (n: number, step: number, seed = 0) => `${trainingFolder(n, seed)}/model_step_${pad(step, 7)}.zip`,
  /** What one finished seed of an iteration found (training.seeds >= 2): a resumed iteration does not train it again. */
  seedResult: (n: number, seed: number) => `${iterationFolder(n)}/seed_${seed}_result.json`,
  /** The majority vote of the seeds' bests (selection.ensemble=vote), one zip that loads as one policy. */
  voteModel: (n: number) => `${iterationFolder(n)}/vote_model.zip`,
  preservedModel: (n: number) => `checkpoints/model_iter_${n}.zip`,
  metrics: (n: number) => `checkpoints/metrics_iter_${n}.json`,
  placeholder: (n: number) => `checkpoints/no_model_iter_${n}.json`,
  /** Why an iteration failed on the queue after its last attempt (kept until the iteration finishes). */
  failure: (n: number) => `${iterationFolder(n)}/failure.json`,
  /** The iteration's record: metrics_iter_N.json when a model was preserved, else no_model_iter_N.json. */
  record: (n: number, kind: 'model' | 'placeholder') => (kind === 'model' ? layout.metrics(n) : layout.placeholder(n)),
  archive: (time: Date) => `archive/pruned-${time.toISOString().replace(/[:.]/g, '-')}.zip`,
  iterationChart: (n: number) => `iter_${pad(n, 3)}.png`,
  snapshotChart: (n: number, step: number) => `iter_${pad(n, 3)}_step_${pad(step, 7)}.png`,
  /**
   * The trial ledgers, at the results folder's root beside the experiment folders: one JSON-lines file per ledger.
   * The folder's name starts with '_', which no experiment id or study name can, so it is never mistaken for one.
   */
  ledgers: { folder: '_ledgers', file: (name: string) => `_ledgers/${name}.jsonl` },
  /** Files of a study folder (results/<study>/), which holds one experiment folder per point. */
  study: { manifest: 'study.json', summary: 'study_summary.json', report: 'study_report.html' },
  experimentCharts: {
    equity: 'equity.png',
    drawdown: 'drawdown.png',
    sharpe: 'sharpe_by_iteration.png',
    returns: 'oos_returns_hist.png',
    windows: 'windows.png',
  },
  /** `wfo report --beside`: the experiment's equity beside other experiments' on the same windows. */
  besideChart: 'beside_equity.png',
  /** A panel run's plots besides the experiment's: each instrument's contribution and the positions as a heat map. */
  panelCharts: {
    contributions: 'panel_contributions.png',
    positions: 'panel_positions.png',
  },
} as const;

const patterns: Array<{ kind: FileKind; re: RegExp; seeded?: boolean }> = [
  { kind: 'preserved', re: /^checkpoints\/model_iter_(\d+)\.zip$/ },
  { kind: 'metrics', re: /^checkpoints\/metrics_iter_(\d+)\.json$/ },
  { kind: 'placeholder', re: /^checkpoints\/no_model_iter_(\d+)\.json$/ },
  { kind: 'current_best', re: /^iterations\/iter_(\d+)\/curr_best_model\.zip$/ },
  { kind: 'training', re: /^iterations\/iter_(\d+)\/training\/model_step_(\d+)\.zip$/ },
  { kind: 'current_best', re: /^iterations\/iter_(\d+)\/seed_([1-9]\d*)\/curr_best_model\.zip$/, seeded: true },
  { kind: 'training', re: /^iterations\/iter_(\d+)\/seed_([1-9]\d*)\/training\/model_step_(\d+)\.zip$/, seeded: true },
  { kind: 'current_best', re: /^iterations\/iter_(\d+)\/vote_model\.zip$/ },
  { kind: 'seed_result', re: /^iterations\/iter_(\d+)\/seed_(\d+)_result\.json$/, seeded: true },
  { kind: 'best', re: /^best_model\.zip$/ },
  { kind: 'production', re: /^production\/model\.zip$/ },
  { kind: 'production_card', re: /^production\/model_card\.json$/ },
  { kind: 'best_record', re: /^best_model\.json$/ },
  { kind: 'archive', re: /^archive\/pruned-[^/]+\.zip$/ },
];

/** Files the pipeline writes that the index does not list (they are not checkpoints). */
const unindexed = [/^iterations\/iter_\d+\/failure\.json$/];

/** Whether a path (relative to the experiment) is one this pipeline writes under the iteration folders: what removing a folder may delete. */
export function isPipelineFile(path: string): boolean {
  return classify(path) !== null || unindexed.some((re) => re.test(path));
}

export interface OwnedFile {
  kind: FileKind;
  iteration: number | null;
  step: number | null;
  /** The training seed a per-seed file belongs to (absent: seed 0, or not a per-seed file). */
  seed?: number;
}

/** The kind, iteration and step of a path the pipeline owns (relative to the experiment), or null for any other. */
export function classify(path: string): OwnedFile | null {
  for (const { kind, re, seeded } of patterns) {
    const m = re.exec(path);
    if (!m) continue;
    const iteration = m[1] ? Number(m[1]) : null;
    if (!seeded) return { kind, iteration, step: m[2] ? Number(m[2]) : null };
    return { kind, iteration, step: m[3] ? Number(m[3]) : null, seed: Number(m[2]) };
  }
  return null;
}

/** Iteration records among the names of the checkpoints folder, in iteration order. */
export function iterationRecordNames(names: string[]): Array<{ name: string; iteration: number; kind: 'metrics' | 'placeholder' }> {
  return names
    .map((name) => ({ name, owned: classify(`${layout.checkpoints}/${name}`) }))
    .filter((f) => f.owned && (f.owned.kind === 'metrics' || f.owned.kind === 'placeholder'))
    .map((f) => ({ name: f.name, iteration: f.owned?.iteration as number, kind: f.owned?.kind as 'metrics' | 'placeholder' }))
    .sort((a, b) => a.iteration - b.iteration);
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Refuses an experiment id that could leave the results folder or that the file system cannot hold. */
export function checkExperimentId(experiment: string): string {
  if (!ID_PATTERN.test(experiment)) {
    const shown = JSON.stringify(experiment.length > 60 ? `${experiment.slice(0, 60)}...` : experiment);
    throw new UsageError(`--experiment ${shown}: use 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return experiment;
}

/** Absolute paths of everything of one experiment; the id is checked first. */
export function experimentPaths(resultsDir: string, experiment: string) {
  const root = join(resultsDir, checkExperimentId(experiment));
  const at = (relative: string) => join(root, relative);
  return {
    root,
    at,
    checkpoints: at(layout.checkpoints),
    iterations: at(layout.iterations),
    iterationDir: (n: number) => at(layout.iterationFolder(n)),
    currentBest: (n: number) => at(layout.currentBest(n)),
    preservedModel: (n: number) => at(layout.preservedModel(n)),
    metrics: (n: number) => at(layout.metrics(n)),
    placeholder: (n: number) => at(layout.placeholder(n)),
    failure: (n: number) => at(layout.failure(n)),
    config: at(layout.config),
    bestModel: at(layout.bestModel),
    bestModelJson: at(layout.bestModelJson),
    summary: at(layout.summary),
    checkpointSummary: at(layout.checkpointSummary),
    oosReturns: at(layout.oosReturns),
    oosPositions: at(layout.oosPositions),
    runLog: at(layout.runLog),
    visualizations: at(layout.visualizations),
    report: at(layout.report),
    tensorboard: at(layout.tensorboard),
    tensorboardIteration: (n: number, seed = 0) => at(layout.tensorboardIteration(n, seed)),
    tensorboardExperiment: at(layout.tensorboardExperiment),
  };
}

export type ExperimentPaths = ReturnType<typeof experimentPaths>;
