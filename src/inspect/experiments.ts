import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExperimentNotFoundError } from '../errors/index.js';
import { isAlive, readLock } from '../store/lock.js';
import { iterationRecordNames, layout } from '../store/layout.js';
import { CheckpointIndex } from '../store/index-store.js';

export interface ExperimentRow {
  experiment: string;
  status: 'running' | 'interrupted' | 'finished';
  /** Iterations with a record (model or placeholder). */
  iterationsDone: number;
  sizeBytes: number;
  updatedAt: string;
  /** A damaged checkpoint_index.json (or null): every reader of the index names it. */
  problem: string | null;
}

/** Every experiment under a results folder, with whether it runs now, stopped early or finished, and its size. */
export async function listExperiments(resultsDir: string): Promise<ExperimentRow[]> {
  const names = await readdir(resultsDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw new ExperimentNotFoundError(
      `cannot list the results folder ${resultsDir}: ${err.code === 'ENOTDIR' ? 'it is a file, not a folder' : err.code}`,
    );
  });
  const rows: ExperimentRow[] = [];
  for (const entry of names) {
    if (!entry.isDirectory()) continue;
    const root = join(resultsDir, entry.name);
    const files = await readdir(root).catch(() => [] as string[]);
    if (!files.includes('config.json')) continue;
    const lock = await readLock(root);
    const finished = files.includes('walkforward_summary.json') && !files.includes('iterations');
    const records = iterationRecordNames(await readdir(join(root, layout.checkpoints)).catch(() => [] as string[]));
    const { size, newest } = await folderSize(root);
    const index = files.includes(layout.index) ? await CheckpointIndex.load(root, entry.name) : null;
    rows.push({
      experiment: entry.name,
      status: lock && isAlive(lock) ? 'running' : finished ? 'finished' : 'interrupted',
      iterationsDone: records.length,
      sizeBytes: size,
      updatedAt: new Date(newest).toISOString(),
      problem: index?.problem ?? null,
    });
  }
  return rows.sort((a, b) => a.experiment.localeCompare(b.experiment));
}

async function folderSize(folder: string): Promise<{ size: number; newest: number }> {
  let size = 0;
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const p = join(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = await folderSize(p);
      size += inner.size;
      newest = Math.max(newest, inner.newest);
    } else {
      const s = await stat(p).catch(() => null);
      if (!s) continue;
      size += s.size;
      newest = Math.max(newest, s.mtimeMs);
    }
  }
  return { size, newest };
}
