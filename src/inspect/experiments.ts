import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExperimentNotFoundError } from '../errors/index.js';
import { studyManifestSchema } from '../records/index.js';
import { readJson } from '../store/json-file.js';
import { isAlive, readLock } from '../store/lock.js';
import { checkExperimentId, iterationRecordNames, layout } from '../store/layout.js';
import { CheckpointIndex } from '../store/index-store.js';

export interface ExperimentRow {
  kind: 'experiment';
  experiment: string;
  status: 'running' | 'interrupted' | 'finished';
  /** Iterations with a record (model or placeholder). */
  iterationsDone: number;
  sizeBytes: number;
  updatedAt: string;
  /** A damaged checkpoint_index.json (or null): every reader of the index names it. */
  problem: string | null;
}

/** A study's point, by the experiment folder it runs in. */
export type PointState = 'running' | 'finished' | 'failed' | 'interrupted' | 'not-started';

export interface StudyRow {
  kind: 'study';
  study: string;
  /** running: a point runs; finished: every point did; failed: a point's iteration failed; interrupted: some are left to run. */
  status: 'running' | 'finished' | 'failed' | 'interrupted' | 'not-started';
  points: number;
  /** How many points are in each state. */
  pointStates: Record<PointState, number>;
  sizeBytes: number;
  updatedAt: string;
  /** A damaged study.json (or null). */
  problem: string | null;
}

/** Every experiment under a results folder, with whether it runs now, stopped early or finished, and its size. */
export async function listExperiments(resultsDir: string): Promise<ExperimentRow[]> {
  const rows: ExperimentRow[] = [];
  for (const name of await folders(resultsDir)) {
    const root = join(resultsDir, name);
    // A folder we cannot list is no experiment to show.
    const files = await readdir(root).catch(() => [] as string[]);
    if (!files.includes(layout.config)) continue;
    const lock = await readLock(root);
    const finished = files.includes(layout.summary) && !files.includes(layout.iterations);
    // No checkpoints folder yet: no iteration finished.
    const records = iterationRecordNames(await readdir(join(root, layout.checkpoints)).catch(() => [] as string[]));
    const { size, newest } = await folderSize(root);
    const index = files.includes(layout.index) ? await CheckpointIndex.load(root, name) : null;
    rows.push({
      kind: 'experiment',
      experiment: name,
      status: lock && isAlive(lock) ? 'running' : finished ? 'finished' : 'interrupted',
      iterationsDone: records.length,
      sizeBytes: size,
      updatedAt: new Date(newest).toISOString(),
      problem: index?.problem ?? null,
    });
  }
  return rows.sort((a, b) => a.experiment.localeCompare(b.experiment));
}

/**
 * Every study under a results folder (a folder holding study.json): its points and the state of each, from the
 * point's experiment folder (a live lock, a summary, an iteration's failure record), and the study's state from them.
 */
export async function listStudies(resultsDir: string): Promise<StudyRow[]> {
  const rows: StudyRow[] = [];
  for (const name of await folders(resultsDir)) {
    const dir = join(resultsDir, name);
    // A folder we cannot list is no study to show.
    const files = await readdir(dir).catch(() => [] as string[]);
    if (!files.includes(layout.study.manifest)) continue;
    const pointStates: Record<PointState, number> = { running: 0, finished: 0, failed: 0, interrupted: 0, 'not-started': 0 };
    let problem: string | null = null;
    const manifest = await readJson(join(dir, layout.study.manifest), studyManifestSchema).catch((err: Error) => {
      problem = `${layout.study.manifest} cannot be used: ${err.message}`;
      return null;
    });
    for (const point of manifest?.points ?? []) {
      // A point id that could leave the study folder is not followed (a sweep never writes one).
      if (!isExperimentId(point.id))
        problem ??= `${layout.study.manifest} names a point ${JSON.stringify(point.id.slice(0, 60))} that is not an experiment id`;
      pointStates[isExperimentId(point.id) ? await pointState(join(dir, point.id)) : 'not-started']++;
    }
    const { size, newest } = await folderSize(dir);
    rows.push({
      kind: 'study',
      study: name,
      status: studyState(pointStates, manifest?.points.length ?? 0),
      points: manifest?.points.length ?? 0,
      pointStates,
      sizeBytes: size,
      updatedAt: new Date(newest).toISOString(),
      problem,
    });
  }
  return rows.sort((a, b) => a.study.localeCompare(b.study));
}

function isExperimentId(id: string): boolean {
  try {
    return checkExperimentId(id) === id;
  } catch {
    // A folder name that is no experiment id is not a point of ours.
    return false;
  }
}

function studyState(states: Record<PointState, number>, points: number): StudyRow['status'] {
  if (states.running) return 'running';
  if (points && states.finished === points) return 'finished';
  if (states.failed) return 'failed';
  return states['not-started'] === points ? 'not-started' : 'interrupted';
}

async function pointState(root: string): Promise<PointState> {
  // A point whose folder cannot be listed has not started.
  const files = await readdir(root).catch(() => null);
  if (!files) return 'not-started';
  const lock = await readLock(root);
  if (lock && isAlive(lock)) return 'running';
  if (files.includes(layout.summary)) return 'finished';
  // No iterations folder: no iteration failed.
  for (const iteration of await readdir(join(root, layout.iterations)).catch(() => [] as string[])) {
    const n = Number(/^iter_(\d+)$/.exec(iteration)?.[1]);
    // No failure record for this iteration.
    const failed = n >= 1 && (await stat(join(root, layout.failure(n))).catch(() => null));
    if (failed) return 'failed';
  }
  return files.includes(layout.config) ? 'interrupted' : 'not-started';
}

/** The names of the folders in the results folder; none when it does not exist. */
async function folders(resultsDir: string): Promise<string[]> {
  const entries = await readdir(resultsDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw new ExperimentNotFoundError(
      `cannot list the results folder ${resultsDir}: ${err.code === 'ENOTDIR' ? 'it is a file, not a folder' : err.code}`,
    );
  });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
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
      // A file removed while the folder is summed counts for nothing.
      const s = await stat(p).catch(() => null);
      if (!s) continue;
      size += s.size;
      newest = Math.max(newest, s.mtimeMs);
    }
  }
  return { size, newest };
}
