import { appendFile, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isTempName } from '../store/atomic-file.js';
import type { IndexWriter } from '../store/index-store.js';
import { acquireLock } from '../store/lock.js';
import { openExperiment } from '../store/experiment.js';
import { METADATA_ENTRY, writeZip } from '../store/zip-store.js';
import { layout } from '../store/layout.js';
import type { TrainingStore } from '../store/training-store.js';
import { UsageError } from '../errors/index.js';
import { sha256 } from '../util/hash.js';
import { anyOf, decide, keepBest, keepEvery, keepLast, type Policy } from './policies.js';

/**
 * The only module that deletes. Every deletion of an owned file updates the index first, so the index never
 * lists a file that is gone; a crash in between leaves a file the next start re-indexes.
 */
export async function deleteIndexed(index: IndexWriter, relativePaths: string[]): Promise<void> {
  if (!relativePaths.length) return;
  await index.remove(relativePaths);
  for (const p of relativePaths) await rm(join(index.root, p), { force: true });
}

/** Removes a whole folder of the experiment (e.g. iterations/iter_3) after the index forgot everything under it. */
export async function deleteFolder(index: IndexWriter, relativeFolder: string): Promise<void> {
  await index.removeUnder(`${relativeFolder}/`);
  await rm(join(index.root, relativeFolder), { recursive: true, force: true });
}

/** Removes the training checkpoints of an iteration that the policy does not keep (policies order them by step); returns their paths. */
export async function pruneTraining(index: IndexWriter, training: TrainingStore, policy: Policy): Promise<string[]> {
  const steps = (await training.steps()).map((step) => ({ iteration: step }));
  const doomed = decide(steps, [policy]).filter((d) => !d.keep);
  const paths = doomed.map((d) => layout.trainingCheckpoint(training.iteration, d.candidate.iteration));
  await deleteIndexed(index, paths);
  return paths;
}

/** Removes temporary leftovers of interrupted writes under `folder` (recursively); returns what it removed. */
export async function removeTempLeftovers(folder: string): Promise<string[]> {
  const removed: string[] = [];
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return removed;
    throw err;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (isTempName(basename(path))) {
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } else if (entry.isDirectory()) removed.push(...(await removeTempLeftovers(path)));
  }
  return removed;
}

export interface CleanupOptions {
  /** Keep iterations whose number is a multiple of this. */
  keepEvery?: number;
  /** Keep the newest this many preserved models. */
  keepLast?: number;
  /** Keep the overall best iteration's model (default true). best_model.zip itself is never removed. */
  keepBest?: boolean;
  /** Plan only: say what would go and how many bytes that frees. */
  dryRun?: boolean;
  /** Move pruned zips into archive/pruned-<time>.zip instead of deleting them. */
  archive?: boolean;
  now?: () => Date;
}

export interface CleanupRow {
  iteration: number;
  file: string;
  size: number;
  sha256: string;
  keep: boolean;
  keptBy: string;
}

export interface CleanupResult {
  experiment: string;
  dryRun: boolean;
  rules: string;
  /** Every preserved model with its decision; also the flat `records` for a DataFrame. */
  plan: CleanupRow[];
  records: CleanupRow[];
  removed: CleanupRow[];
  bytesFreed: number;
  archive: string | null;
  journal: string;
}

/**
 * Prunes preserved models (checkpoints/model_iter_N.zip) by retention policy. It only ever removes preserved model
 * zips that the index lists and whose bytes still match it; never best_model.zip, the newest iteration's model, a
 * metrics or placeholder record, and nothing while another process holds the experiment. The index is written
 * first, every removal is appended to cleanup_journal.jsonl, then the files go (or move into an archive zip).
 */
export async function cleanupCheckpoints(experimentDir: string, options: CleanupOptions): Promise<CleanupResult> {
  if (options.keepEvery === undefined && options.keepLast === undefined) {
    throw new UsageError('cleanup needs --keep-every N and/or --keep-last N; without them it would keep only the best and the newest model');
  }
  for (const [flag, value] of [
    ['--keep-every', options.keepEvery],
    ['--keep-last', options.keepLast],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new UsageError(`${flag}: got ${value}; expected a whole number >= 1`);
  }
  const exp = await openExperiment(experimentDir);
  const now = options.now ?? (() => new Date());
  // A dry run only reads (the index is replaced atomically), so it may look at a running experiment.
  const lock = options.dryRun ? null : await acquireLock(exp.root, 'wfo cleanup');
  try {
    const preserved = exp.index.entries.filter((e) => e.kind === 'preserved' && e.iteration !== null);
    const candidates = preserved.map((e) => ({ iteration: e.iteration as number, entry: e }));
    const policies: Policy[] = [{ ...keepLast(1), name: 'newest' }];
    if (options.keepBest !== false) policies.push(keepBest(exp.bestIteration));
    if (options.keepEvery !== undefined) policies.push(keepEvery(options.keepEvery));
    if (options.keepLast !== undefined) policies.push(keepLast(options.keepLast));
    const rules = anyOf(...policies).name;
    const plan: CleanupRow[] = decide(candidates, policies).map((d) => ({
      iteration: d.candidate.iteration,
      file: d.candidate.entry.path,
      size: d.candidate.entry.size,
      sha256: d.candidate.entry.sha256,
      keep: d.keep,
      keptBy: d.keptBy.join(', '),
    }));
    const doomed = plan.filter((r) => !r.keep);
    const result: CleanupResult = {
      experiment: exp.experiment,
      dryRun: !!options.dryRun,
      rules,
      plan,
      records: plan,
      removed: [],
      bytesFreed: doomed.reduce((n, r) => n + r.size, 0),
      archive: null,
      journal: join(exp.root, layout.journal),
    };
    if (options.dryRun || !doomed.length) return result;

    const verified: CleanupRow[] = [];
    for (const r of doomed) {
      const bytes = await readFile(join(exp.root, r.file)).catch(() => null);
      if (bytes && sha256(bytes) === r.sha256) verified.push(r);
    }
    const at = now();
    const time = at.toISOString();
    let archive: string | null = null;
    if (options.archive && verified.length) {
      archive = layout.archive(at);
      await mkdir(join(exp.root, layout.archiveFolder), { recursive: true });
      const entries: Record<string, Uint8Array> = {};
      for (const r of verified) entries[basename(r.file)] = await readFile(join(exp.root, r.file));
      const metadata = {
        kind: 'archive',
        experiment: exp.experiment,
        createdAt: time,
        rule: `not kept by ${rules}`,
        files: verified.map((r) => r.file),
      };
      entries[METADATA_ENTRY] = Buffer.from(JSON.stringify(metadata, null, 1));
      const written = await writeZip(join(exp.root, archive), entries);
      await exp.index.add({
        path: archive,
        kind: 'archive',
        size: written.size,
        sha256: written.sha256,
        iteration: null,
        step: null,
        metrics: { files: verified.map((r) => r.file) },
        time,
      });
    }
    await exp.index.remove(verified.map((r) => r.file));
    await appendJournal(
      result.journal,
      verified.map((r) => ({
        time,
        file: r.file,
        iteration: r.iteration,
        size: r.size,
        sha256: r.sha256,
        rule: `not kept by ${rules}`,
        action: archive ? 'archived' : 'deleted',
        archive,
      })),
    );
    for (const r of verified) await rm(join(exp.root, r.file), { force: true });
    result.removed = verified;
    result.bytesFreed = verified.reduce((n, r) => n + r.size, 0);
    result.archive = archive;
    return result;
  } finally {
    await lock?.release();
  }
}

async function appendJournal(path: string, lines: object[]): Promise<void> {
  if (!lines.length) return;
  await appendFile(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
