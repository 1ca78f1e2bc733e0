import { experimentRecords } from '../store/experiment-records.js';
import { access } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { checkpointSummarySchema, walkforwardSummarySchema, type IndexEntry } from '../records/index.js';
import { readJson } from '../store/json-file.js';
import { CheckpointIndex } from '../store/index-store.js';
import { acquireLock, isAlive, readLock } from '../store/lock.js';
import { removeTempLeftovers } from '../retention/delete.js';
import { scanExperiment, type ScanResult } from '../store/scan.js';
import { checkExperimentId, classify, layout } from '../store/layout.js';
import { checkExperimentFolder } from '../store/experiment.js';
import { claimFolder } from '../store/ownership.js';
import { copyFileAtomic } from '../store/atomic-file.js';
import { ExperimentLockedError } from '../errors/index.js';
import { cutToGoodPrefix, findDamagedEventFiles, type EventFileDamage } from '../logging/tensorboard/index.js';

export interface VerifyReport {
  experiment: string;
  /** True when no problem remains (after a repair: none is left). */
  ok: boolean;
  /** Files that verified. */
  verified: number;
  /** What was found before any repair. */
  problems: string[];
  repaired: string[];
  /** What a repair could not bring back, and what to do about it. */
  lost: string[];
  /** Problems still there after the repair (equal to problems without --repair). */
  remaining: string[];
  /**
   * Damaged TensorBoard event files, each named: observations, not checkpoints, so they never make `ok` false.
   * --repair cuts a file of ours back to its good records, as the next run's writer would.
   */
  warnings: string[];
}

/**
 * Checks every file the experiment owns (zip manifests and hashes, JSON records against their schemas) and the
 * index against the disk. With repair (taking the experiment's lock, so never under a running writer) it restores
 * a broken model from an intact copy with the same bytes (best_model.zip and checkpoints/model_iter_N.zip of the
 * best iteration), rebuilds the index from what verifies, removes temporary leftovers, and says what is lost.
 * A running experiment is refused: its files change under the check.
 */
export async function verifyExperiment(root: string, experiment: string, options: { repair?: boolean } = {}): Promise<VerifyReport> {
  checkExperimentId(experiment);
  root = await checkExperimentFolder(root);
  const holder = await readLock(root);
  if (holder && isAlive(holder) && holder.pid !== process.pid) {
    throw new ExperimentLockedError(
      `experiment ${root} is running (${holder.command}, pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}): ` +
        'its files change while it runs, so it is not checked now; verify it after that run ends',
    );
  }
  // checkExperimentFolder refused a folder that is not ours; one of an earlier version gets its marker before a repair writes.
  const adopted: string[] = [];
  if (options.repair) await claimFolder(root, 'experiment', experiment, { log: (line) => adopted.push(line) });
  const lock = options.repair ? await acquireLock(root, `wfo verify --repair --experiment ${experiment}`) : null;
  try {
    const scan = await scanExperiment(root);
    const loaded = await CheckpointIndex.load(root, experiment);
    const problems = await findProblems(root, scan, loaded);
    const boards = await findDamagedEventFiles(join(root, layout.tensorboard));
    const warnings = boards.map((d) => boardWarning(root, d));
    const repaired = [...adopted, ...(options.repair ? await repairBoards(root, boards) : [])];
    const lost: string[] = [];
    if (!options.repair || !problems.length) {
      return { experiment, ok: !problems.length, verified: scan.entries.length, problems, repaired, lost, remaining: problems, warnings };
    }
    const known = loaded.index?.entries ?? [];
    for (const r of await restoreFromCopies(root, scan, known)) repaired.push(r);
    const after = await scanExperiment(root);
    for (const c of after.corrupt) lost.push(lostLine(c.path));
    for (const e of known) {
      if (!after.entries.some((a) => a.path === e.path) && !after.corrupt.some((c) => c.path === e.path)) lost.push(lostLine(e.path, 'missing'));
    }
    const before = new Map(known.map((e) => [e.path, e]));
    const edited = after.entries.filter((e) => GUARDED.has(e.kind) && before.has(e.path) && before.get(e.path)?.sha256 !== e.sha256);
    for (const e of edited) {
      lost.push(`${e.path} differs from the index (edited or replaced since it was written): not indexed again; ${redo(e.iteration)}`);
    }
    const kept = after.entries.filter((e) => !edited.includes(e));
    await CheckpointIndex.from(root, experiment, kept).save();
    repaired.push(`${layout.index} rebuilt from ${kept.length} verified files`);
    for (const t of await removeTempLeftovers(root)) repaired.push(`removed ${t}`);
    const remaining = await findProblems(root, await scanExperiment(root), await CheckpointIndex.load(root, experiment));
    return { experiment, ok: !remaining.length, verified: kept.length, problems, repaired, lost, remaining, warnings };
  } finally {
    await lock?.release();
  }
}

/** Kinds whose bytes are written once per iteration: a different sha256 than the index's means someone edited them. */
const GUARDED = new Set(['preserved', 'metrics', 'placeholder']);
const redo = (n: number | null) => `run walkforward on this experiment again to redo iteration ${n}`;

async function findProblems(root: string, scan: ScanResult, loaded: Awaited<ReturnType<typeof CheckpointIndex.load>>): Promise<string[]> {
  const problems: string[] = [];
  for (const c of scan.corrupt) problems.push(`${c.path}: corrupt: ${c.problem}`);
  for (const t of scan.temporary) problems.push(`${t}: temporary leftover of an interrupted write`);
  if (!loaded.index) problems.push(loaded.problem ?? `${layout.index}: missing`);
  else problems.push(...compareIndex(loaded.index.entries, scan.entries));
  for (const [file, schema] of [
    [layout.summary, walkforwardSummarySchema],
    [layout.checkpointSummary, checkpointSummarySchema],
  ] as const) {
    const path = join(root, file);
    const present = await access(path).then(
      () => true,
      () => false,
    );
    if (present) await readJson(path, schema).catch((err: Error) => problems.push(`${file}: ${err.message}`));
  }
  return problems;
}

function boardWarning(root: string, d: EventFileDamage): string {
  const what = `${relative(root, d.file)}: TensorBoard file damaged at byte ${d.offset} (${d.problem}); TensorBoard shows its ${d.goodRecords} records before it; checkpoints are not affected`;
  return d.own ? `${what}; --repair (or the next run of it) cuts it back to them` : `${what}; not written by this program, so left as it is`;
}

/** Cuts each damaged event file of ours back to its good records (what the next run's writer does on opening it). */
async function repairBoards(root: string, damaged: EventFileDamage[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of damaged.filter((x) => x.own)) {
    await cutToGoodPrefix(d);
    out.push(`cut ${relative(root, d.file)} back to its ${d.goodRecords} good records (${d.droppedBytes} bytes from byte ${d.offset} dropped)`);
  }
  return out;
}

/** What losing a file means for the user, and how to get it back. */
function lostLine(path: string, how = 'corrupt'): string {
  const owned = classify(path);
  const n = owned?.iteration;
  switch (owned?.kind) {
    case 'preserved':
    case 'metrics':
    case 'placeholder':
      return `${path} (${how}, no intact copy): iteration ${n} is lost; ${redo(n ?? null)}`;
    case 'training':
    case 'current_best':
    case 'seed_result':
      return `${path} (${how}): a resume of iteration ${n} continues from an older training checkpoint`;
    case 'best':
    case 'best_record':
      return `${path} (${how}, no intact copy): run walkforward on this experiment again to rewrite the best model`;
    case 'production':
    case 'production_card':
      return `${path} (${how}): run walkforward on this experiment again to train the production model again`;
    default:
      return `${path} (${how})`;
  }
}

/**
 * best_model.zip is a byte copy of the best iteration's preserved model: when one of the two is broken (or gone)
 * and the other verifies with the sha256 the records expect, the broken one is rewritten from it.
 */
async function restoreFromCopies(root: string, scan: ScanResult, indexed: IndexEntry[]): Promise<string[]> {
  const read = experimentRecords(root);
  // Without a readable best_model.json there is no pair of copies to restore one from.
  const best = await read.bestModel().catch(() => null);
  if (!best) return [];
  const good = new Map(scan.entries.map((e) => [e.path, e]));
  const preserved = layout.preservedModel(best.iteration);
  // Without a readable record only best_model.json's hash is trusted.
  const record = await read.iteration(layout.metrics(best.iteration)).catch(() => null);
  const expected = new Set([best.sha256, ...(record?.kind === 'model' ? [record.model.sha256] : [])]);
  const wasIndexed = new Set(indexed.map((e) => e.path));
  const out: string[] = [];
  for (const [broken, source] of [
    [preserved, layout.bestModel],
    [layout.bestModel, preserved],
  ] as const) {
    const copy = good.get(source);
    const now = good.get(broken);
    const brokenNow = now ? !expected.has(now.sha256) : scan.corrupt.some((c) => c.path === broken) || wasIndexed.has(broken);
    if (!brokenNow || !copy || !expected.has(copy.sha256)) continue;
    await copyFileAtomic(join(root, source), join(root, broken));
    out.push(`restored ${broken} from ${source} (the same model, sha256 ${copy.sha256.slice(0, 12)}...)`);
  }
  return out;
}

/** Differences between the index and what is on disk, one line each. */
export function compareIndex(indexed: IndexEntry[], onDisk: IndexEntry[]): string[] {
  const problems: string[] = [];
  const disk = new Map(onDisk.map((e) => [e.path, e]));
  const listed = new Map(indexed.map((e) => [e.path, e]));
  for (const e of indexed) {
    const d = disk.get(e.path);
    if (!d) problems.push(`${e.path}: listed in the index but missing or failing verification on disk`);
    else if (d.sha256 !== e.sha256 || d.size !== e.size) {
      problems.push(
        `${e.path}: on disk it differs from the index (size ${d.size} vs ${e.size}, sha256 ${d.sha256.slice(0, 12)}... vs ${e.sha256.slice(0, 12)}...)`,
      );
    }
  }
  for (const e of onDisk) if (!listed.has(e.path)) problems.push(`${e.path}: on disk but not in the index`);
  return problems;
}
