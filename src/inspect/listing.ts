import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openExperiment } from '../store/experiment.js';
import { layout } from '../store/layout.js';

/** One row per iteration: a flat record any DataFrame library loads as is. */
export interface CheckpointRow {
  iteration: number;
  status: 'model' | 'placeholder' | 'pruned';
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
  /** The same rows, under the name every tabular answer of this library uses. */
  records: CheckpointRow[];
  footer: {
    iterations: number;
    models: number;
    placeholders: number;
    pruned: number;
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
  const rows: CheckpointRow[] = exp.digests.map((d) => {
    const recordPath = layout.record(d.iteration, d.status === 'model' ? 'model' : 'placeholder');
    const model = d.model ? byPath.get(d.model.file) : undefined;
    const status = d.status === 'placeholder' ? 'placeholder' : model ? 'model' : 'pruned';
    const shown = model ?? byPath.get(recordPath);
    return {
      iteration: d.iteration,
      status,
      file: shown?.path ?? recordPath,
      size: shown?.size ?? 0,
      sha256: shown?.sha256 ?? '',
      selectionScore: d.selectionScore,
      validationSharpe: d.validation?.sharpe ?? null,
      testSharpe: d.test.sharpe,
      testReturn: d.test.totalReturn,
      buyAndHoldTestSharpe: d.buyAndHoldTest.sharpe,
      date: shown?.time ?? '',
      best: d.iteration === exp.bestIteration,
      latest: d.iteration === latest,
      trainStartDate: d.window.train.startDate ?? null,
      trainEndDate: d.window.train.endDate ?? null,
      testStartDate: d.window.test.startDate ?? null,
      testEndDate: d.window.test.endDate ?? null,
      archivedIn: status === 'pruned' && d.model ? (archived.get(d.model.file) ?? null) : null,
    };
  });
  return {
    experiment: exp.experiment,
    root: exp.root,
    rows,
    records: rows,
    footer: {
      iterations: rows.length,
      models: rows.filter((r) => r.status === 'model').length,
      placeholders: rows.filter((r) => r.status === 'placeholder').length,
      pruned: rows.filter((r) => r.status === 'pruned').length,
      diskBytes: exp.index.entries.reduce((n, e) => n + e.size, 0),
      latestIteration: latest,
      bestIteration: exp.bestIteration,
    },
  };
}

/** file -> archive, from the cleanup journal. */
async function archivedFiles(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const text = await readFile(join(root, layout.journal), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { file: string; archive: string | null };
      if (entry.archive) out.set(entry.file, entry.archive);
    } catch {
      // A torn last line from a crash while appending says nothing; skip it.
    }
  }
  return out;
}
