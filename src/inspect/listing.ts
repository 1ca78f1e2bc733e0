import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openExperiment, type OpenedExperiment } from '../store/experiment.js';
import { layout } from '../store/layout.js';

/** One row per iteration: a flat record any DataFrame library loads as is. */
export interface CheckpointRow {
  iteration: number;
  /**
   * model: the preserved zip is indexed; pruned: cleanup removed it (the journal says so); corrupt: the zip is on disk
   * but fails verification or differs from the index; missing: gone without a cleanup.
   */
  status: 'model' | 'placeholder' | 'pruned' | 'corrupt' | 'missing';
  /** The model zip, or the record JSON when there is no model (placeholder or pruned). */
  file: string;
  size: number;
  sha256: string;
  selectionScore: number | null;
  validationSharpe: number | null;
  testSharpe: number | null;
  testReturn: number | null;
  buyAndHoldTestSharpe: number | null;
  date: string;
  best: boolean;
  latest: boolean;
  trainStartDate: string | null;
  trainEndDate: string | null;
  testStartDate: string | null;
  testEndDate: string | null;
  /** For a pruned model moved by cleanup --archive: the archive zip that holds it. */
  archivedIn: string | null;
}

export interface CheckpointList {
  experiment: string;
  root: string;
  rows: CheckpointRow[];
  /** Damage found while reading (a damaged index, an edited record), each naming the file; empty when all agrees. */
  warnings: string[];
  /** The same rows, under the name every tabular answer of this library uses. */
  records: CheckpointRow[];
  footer: {
    iterations: number;
    models: number;
    placeholders: number;
    pruned: number;
    /** Corrupt or missing models. */
    damaged: number;
    diskBytes: number;
    latestIteration: number | null;
    bestIteration: number | null;
  };
}

/** Every iteration of an experiment with its status, scores, file, size and hash, read from the index alone. */
export async function listCheckpoints(experimentDir: string): Promise<CheckpointList> {
  const exp = await openExperiment(experimentDir);
  const byPath = new Map(exp.index.entries.map((e) => [e.path, e]));
  const archived = await archivedFiles(exp.root);
  const latest = exp.digests.length ? exp.digests[exp.digests.length - 1].iteration : null;
  const rows: CheckpointRow[] = [];
  for (const d of exp.digests) {
    const recordPath = layout.record(d.iteration, d.status === 'model' ? 'model' : 'placeholder');
    const model = d.model ? byPath.get(d.model.file) : undefined;
    const status = d.status === 'placeholder' ? 'placeholder' : model ? 'model' : await missingModelStatus(exp, d.model?.file ?? '', archived);
    const shown = model ?? byPath.get(recordPath);
    const damaged = status === 'corrupt' || status === 'missing';
    rows.push({
      iteration: d.iteration,
      status,
      file: damaged && d.model ? d.model.file : (shown?.path ?? recordPath),
      size: shown?.size ?? 0,
      sha256: shown?.sha256 ?? '',
      selectionScore: d.selectionScore,
      validationSharpe: d.validation?.sharpe ?? null,
      testSharpe: d.test.sharpe,
      testReturn: d.test.totalReturn,
      buyAndHoldTestSharpe: d.buyAndHoldTest.sharpe,
      date: shown?.time ?? '',
      best: d.iteration === exp.bestIteration && status === 'model',
      latest: d.iteration === latest,
      trainStartDate: d.window.train.startDate ?? null,
      trainEndDate: d.window.train.endDate ?? null,
      testStartDate: d.window.test.startDate ?? null,
      testEndDate: d.window.test.endDate ?? null,
      archivedIn: status === 'pruned' && d.model ? (archived.get(d.model.file) ?? null) : null,
    });
  }
  return {
    experiment: exp.experiment,
    root: exp.root,
    rows,
    warnings: exp.warnings,
    records: rows,
    footer: {
      iterations: rows.length,
      models: rows.filter((r) => r.status === 'model').length,
      placeholders: rows.filter((r) => r.status === 'placeholder').length,
      pruned: rows.filter((r) => r.status === 'pruned').length,
      damaged: rows.filter((r) => r.status === 'corrupt' || r.status === 'missing').length,
      diskBytes: exp.index.entries.reduce((n, e) => n + e.size, 0),
      latestIteration: latest,
      bestIteration: exp.bestIteration,
    },
  };
}

/** Why an iteration's model is not in the index: cleanup removed it, or it is on disk but broken, or it is gone. */
async function missingModelStatus(
  exp: OpenedExperiment,
  file: string,
  journaled: Map<string, string | null>,
): Promise<'pruned' | 'corrupt' | 'missing'> {
  if (exp.corrupt.has(file)) return 'corrupt';
  const onDisk = await stat(join(exp.root, file)).then(
    () => true,
    () => false,
  );
  if (onDisk) return 'corrupt';
  return journaled.has(file) ? 'pruned' : 'missing';
}

/** file -> archive (null when deleted), from the cleanup journal's records of finished removals. */
async function archivedFiles(root: string): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  // No journal: nothing was ever archived or deleted.
  const text = await readFile(join(root, layout.journal), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { file?: string; archive?: string | null; action?: string };
      if (entry.file && (entry.action === 'deleted' || entry.action === 'archived')) out.set(entry.file, entry.archive ?? null);
    } catch {
      // A torn last line from a crash while appending says nothing; skip it.
    }
  }
  return out;
}
