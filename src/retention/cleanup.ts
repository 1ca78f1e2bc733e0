import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { IndexWriter } from '../store/index-store.js';
import { acquireLock } from '../store/lock.js';
import { openExperiment } from '../store/experiment.js';
import { METADATA_ENTRY, readZip, writeZip } from '../store/zip-store.js';
import { classify, layout } from '../store/layout.js';
import { claimFolder } from '../store/ownership.js';
import { appendJournal, journalLines, pendingPlans, type PlannedRemoval } from './journal.js';
import { UsageError } from '../errors/index.js';
import { createTrace } from '../logging/trace.js';
import { sha256 } from '../util/hash.js';
import { anyOf, decide, keepBest, keepEvery, keepLast, type Policy } from './policies.js';

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
  /** Interrupted cleanups (killed part way) that this run finished first, one line each. */
  resumed: string[];
  /** Damage found while reading the experiment (a damaged index, an edited record), each naming the file. */
  warnings: string[];
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
  const first = await openExperiment(experimentDir);
  const now = options.now ?? (() => new Date());
  // A dry run only reads (the index is replaced atomically), so it may look at a running experiment.
  const adopted: string[] = [];
  if (!options.dryRun) await claimFolder(first.root, 'experiment', first.experiment, { now, log: (line) => adopted.push(line) });
  const lock = options.dryRun ? null : await acquireLock(first.root, 'wfo cleanup');
  try {
    // Read again under the lock: another cleanup may have changed the index while this one waited.
    const exp = lock ? await openExperiment(first.root) : first;
    if (lock && exp.rebuilt) {
      throw new UsageError(`${exp.warnings.join('; ')}; cleanup removes nothing until the index is sound: run wfo verify --repair first`);
    }
    const finished: string[] = [];
    if (!lock) {
      for (const pending of await pendingPlans(join(exp.root, layout.journal))) {
        finished.push(`a cleanup planned at ${pending.plan} was interrupted; a cleanup without --dry-run finishes it first`);
      }
    } else {
      for (const pending of await pendingPlans(join(exp.root, layout.journal))) {
        const files = await carryOut(exp.root, exp.experiment, exp.index, pending, join(exp.root, layout.journal));
        finished.push(
          `finished the cleanup planned at ${pending.plan} that was interrupted: ${files.length} of ${pending.files.length} file(s) removed`,
        );
      }
    }
    const preserved = exp.index.entries.filter((e) => e.kind === 'preserved' && e.iteration !== null && classify(e.path)?.kind === 'preserved');
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
      resumed: finished,
      warnings: [...adopted, ...exp.warnings],
    };
    if (options.dryRun || !doomed.length) return result;

    const verified: CleanupRow[] = [];
    for (const r of doomed) {
      // A file gone or unreadable is not removed: only files whose bytes match the plan are.
      const bytes = await readFile(join(exp.root, r.file)).catch(() => null);
      if (bytes && sha256(bytes) === r.sha256) verified.push(r);
    }
    if (!verified.length) return result;
    const at = now();
    const planned: PlannedRemoval = {
      action: 'planned',
      plan: at.toISOString(),
      time: at.toISOString(),
      rule: `not kept by ${rules}`,
      archive: options.archive ? layout.archive(at) : null,
      files: verified.map((r) => ({ file: r.file, iteration: r.iteration, size: r.size, sha256: r.sha256 })),
    };
    // The plan is on disk before anything changes, so a kill at any later point leaves a plan the next cleanup finishes.
    await appendJournal(result.journal, [planned]);
    const done = await carryOut(exp.root, exp.experiment, exp.index, planned, result.journal);
    result.removed = verified.filter((r) => done.includes(r.file));
    result.bytesFreed = result.removed.reduce((n, r) => n + r.size, 0);
    result.archive = planned.archive;
    return result;
  } finally {
    await lock?.release();
  }
}

/**
 * Does (or finishes) a planned removal; every step is idempotent, so running it again after a kill at any point
 * ends in the same state: the archive (written once, kept if it already verifies), the index without the files,
 * one journal line per file, the files gone, and a `done` line. Returns the files it removed or found removed.
 */
async function carryOut(root: string, experiment: string, index: IndexWriter, plan: PlannedRemoval, journal: string): Promise<string[]> {
  const present: PlannedRemoval['files'] = [];
  for (const f of plan.files) {
    if (classify(f.file)?.kind !== 'preserved') continue;
    // Gone already (removed before a crash): still part of the plan to finish.
    const bytes = await readFile(join(root, f.file)).catch(() => null);
    if (bytes === null || sha256(bytes) === f.sha256) present.push(f);
  }
  await killPoint('cleanup-planned');
  if (plan.archive) await ensureArchive(root, experiment, index, plan, present);
  await index.remove(present.map((f) => f.file));
  await killPoint('cleanup-indexed');
  const logged = new Set(
    (await journalLines(journal)).filter((l) => l.plan === plan.plan && (l.action === 'deleted' || l.action === 'archived')).map((l) => l.file),
  );
  await appendJournal(
    journal,
    present
      .filter((f) => !logged.has(f.file))
      .map((f) => ({
        ...f,
        time: plan.time,
        rule: plan.rule,
        action: plan.archive ? 'archived' : 'deleted',
        archive: plan.archive,
        plan: plan.plan,
      })),
  );
  for (const [i, f] of present.entries()) {
    await rm(join(root, f.file), { force: true });
    if (i === 0) await killPoint('cleanup-removing');
  }
  await appendJournal(journal, [{ action: 'done', plan: plan.plan, time: plan.time }]);
  return present.map((f) => f.file);
}

const trace = createTrace();

/** Test aid (WFO_TRACE / WFO_HOLD, as in the run): marks a moment of a cleanup and, when asked, waits there to be killed. */
async function killPoint(phase: string): Promise<void> {
  trace(phase);
  if (process.env.WFO_HOLD === phase) await new Promise((resolve) => setTimeout(resolve, 30_000));
}

/** Writes the plan's archive unless a verified one is already there (a rerun must not archive anything twice). */
async function ensureArchive(
  root: string,
  experiment: string,
  index: IndexWriter,
  plan: PlannedRemoval,
  files: PlannedRemoval['files'],
): Promise<void> {
  const archive = plan.archive as string;
  const path = join(root, archive);
  // No archive yet, or a damaged one: it is written anew below.
  const existing = await readZip(path, [METADATA_ENTRY]).catch(() => null);
  let written: { size: number; sha256: string };
  if (existing) {
    const bytes = await readFile(path);
    written = { size: bytes.byteLength, sha256: sha256(bytes) };
  } else {
    await mkdir(join(root, layout.archiveFolder), { recursive: true });
    const entries: Record<string, Uint8Array> = {};
    for (const f of files) {
      // A file gone since planning is left out of the archive; the journal lists what was archived.
      const bytes = await readFile(join(root, f.file)).catch(() => null);
      if (bytes) entries[basename(f.file)] = bytes;
    }
    const metadata = { kind: 'archive', experiment, createdAt: plan.time, rule: plan.rule, files: files.map((f) => f.file) };
    entries[METADATA_ENTRY] = Buffer.from(JSON.stringify(metadata, null, 1));
    written = await writeZip(path, entries);
  }
  await index.add({
    path: archive,
    kind: 'archive',
    size: written.size,
    sha256: written.sha256,
    iteration: null,
    step: null,
    metrics: { files: plan.files.map((f) => f.file) },
    time: plan.time,
  });
}
