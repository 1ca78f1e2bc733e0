import { experimentRecords } from './experiment-records.js';
import { parseJson } from './json-file.js';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { AccessError, ExperimentNotFoundError, isAccessDenied } from '../errors/index.js';
import { deniedFolder } from '../util/regular-file.js';
import { checkOwned } from './ownership.js';
import { iterationRecordSchema, type IndexEntry, type IterationDigest } from '../records/index.js';
import { digestOf } from '../analysis/digest.js';
import { sha256, stableStringify } from '../util/hash.js';
import { CheckpointIndex } from './index-store.js';
import { scanExperiment } from './scan.js';
import { classify, layout } from './layout.js';

export interface OpenedExperiment {
  root: string;
  experiment: string;
  index: CheckpointIndex;
  /** True when checkpoint_index.json was missing or damaged and the index was rebuilt in memory from the files. */
  rebuilt: boolean;
  bestIteration: number | null;
  digests: IterationDigest[];
  /**
   * What a reader must be told: a damaged index, a record that differs from its index entry (edited or damaged
   * since it was written), each naming the file. Empty when everything read agrees with the index.
   */
  warnings: string[];
  /** Owned files that are on disk but fail verification (known when the index was rebuilt from a scan). */
  corrupt: Set<string>;
  /** Iterations whose figures could not be verified against the index (shown with a warning). */
  unverified: Set<number>;
}

/**
 * Refuses a folder that is not there with words a user can act on: which experiments the results folder does hold,
 * or that the results folder itself is missing or is a file; a folder that is not an experiment of this program
 * (store/ownership.ts), and one this user may not read, are refused naming the path.
 */
export async function checkExperimentFolder(experimentDir: string): Promise<string> {
  const root = resolve(experimentDir);
  const info = await statOrNull(root);
  if (info?.isDirectory()) {
    await checkOwned(root, 'experiment');
    return root;
  }
  const parent = dirname(root);
  const id = basename(root);
  if (info) throw new ExperimentNotFoundError(`${root} is a file, not an experiment folder`);
  const parentInfo = await statOrNull(parent);
  if (!parentInfo) throw new ExperimentNotFoundError(`no experiment ${id}: the results folder ${parent} does not exist (check --results-dir)`);
  if (!parentInfo.isDirectory()) throw new ExperimentNotFoundError(`no experiment ${id}: the results folder ${parent} is a file, not a folder`);
  const names = await readdir(parent, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    throw isAccessDenied(err) ? new AccessError(parent, err.code as string, 'list') : err;
  });
  const experiments: string[] = [];
  for (const e of names) {
    if (!e.isDirectory()) continue;
    // No config.json: not an experiment.
    const has = await stat(join(parent, e.name, layout.config)).catch(() => null);
    if (has) experiments.push(e.name);
  }
  experiments.sort();
  const shown = experiments.length > 20 ? `${experiments.slice(0, 20).join(', ')}, ... (${experiments.length} in all)` : experiments.join(', ');
  throw new ExperimentNotFoundError(`no experiment ${id} under ${parent}; experiments there: ${shown || 'none'}`);
}

/** The entry at `path` (following links), null when there is none; a refusal to look is an AccessError, never "absent". */
async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (isAccessDenied(err)) throw new AccessError(await deniedFolder(path), (err as NodeJS.ErrnoException).code as string);
    throw err;
  }
}

/**
 * Read-only view of an experiment through its index: one JSON file, whatever the number of checkpoints, plus the
 * small iteration records, each checked against its index entry (sha256). Without a usable index (an experiment
 * from before the index, or a damaged one) the files are scanned instead, and the warnings say so.
 */
export async function openExperiment(experimentDir: string): Promise<OpenedExperiment> {
  const root = await checkExperimentFolder(experimentDir);
  const experiment = basename(root);
  const warnings: string[] = [];
  const corrupt = new Set<string>();
  const loaded = await CheckpointIndex.load(root, experiment);
  let index = loaded.index;
  let rebuilt = false;
  if (!index) {
    const hasConfig = await readFile(join(root, layout.config)).then(
      () => true,
      () => false,
    );
    if (!hasConfig && loaded.missing)
      throw new ExperimentNotFoundError(`${experimentDir} is not an experiment folder (no config.json or checkpoint_index.json)`);
    const scan = await scanExperiment(root);
    index = CheckpointIndex.from(root, experiment, scan.entries);
    for (const c of scan.corrupt) {
      corrupt.add(c.path);
      warnings.push(`${c.path} fails verification: ${c.problem}`);
    }
    if (loaded.problem) warnings.push(`${loaded.problem}; shown from a scan of the files instead (wfo verify --repair rewrites it)`);
    rebuilt = true;
  }
  // No best model yet (or a damaged record of it, which verify reports): nothing is marked BEST.
  const best = await experimentRecords(root)
    .bestModel()
    .then((b) => b.iteration)
    // No readable best_model.json: no iteration is exempt from the check.
    .catch(() => null);
  const unverified = new Set<number>();
  const digests = await digestsOf(root, index.entries, warnings, unverified);
  return { root, experiment, index, rebuilt, bestIteration: best, digests, warnings, corrupt, unverified };
}

/**
 * The iteration digests of the metrics and placeholder records, by iteration. A record whose bytes match its index
 * entry gives its own digest (so an edited index cannot change the figures either); one that differs, or is gone,
 * keeps the index's figures and is reported as not verified.
 */
async function digestsOf(root: string, entries: IndexEntry[], warnings: string[], unverified: Set<number>): Promise<IterationDigest[]> {
  const out = new Map<number, IterationDigest>();
  for (const e of entries) {
    const owned = classify(e.path);
    if ((e.kind !== 'metrics' && e.kind !== 'placeholder') || owned?.kind !== e.kind) continue;
    // Missing or unreadable: the digest comparison below reports it.
    const bytes = await readFile(join(root, e.path)).catch(() => null);
    const fromIndex = e.metrics as IterationDigest | null;
    const iteration = owned.iteration as number;
    if (!bytes || sha256(bytes) !== e.sha256) {
      warnings.push(
        bytes
          ? `${e.path} differs from its index entry (edited or damaged since it was written): iteration ${iteration} shows the figures the index recorded, not the file's; wfo verify lists every difference`
          : `${e.path} is listed in the index but missing: iteration ${iteration} shows the figures the index recorded`,
      );
      unverified.add(iteration);
      if (fromIndex && typeof fromIndex === 'object' && 'test' in fromIndex) out.set(iteration, fromIndex);
      continue;
    }
    let record;
    try {
      record = parseJson(e.path, bytes.toString('utf8'), iterationRecordSchema);
    } catch (err) {
      warnings.push(`${e.path} does not match the record format: ${(err as Error).message.slice(0, 200)}`);
      unverified.add(iteration);
      continue;
    }
    const digest = digestOf(record);
    if (fromIndex && stableStringify(fromIndex) !== stableStringify(JSON.parse(JSON.stringify(digest)))) {
      warnings.push(`the index entry of ${e.path} disagrees with the file (the index was edited); showing the file's verified figures`);
    }
    out.set(record.iteration, digest);
  }
  return [...out.values()].sort((a, b) => a.iteration - b.iteration);
}
