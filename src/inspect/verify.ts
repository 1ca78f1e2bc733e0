import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointSummarySchema, walkforwardSummarySchema, type IndexEntry } from '../records/schemas.js';
import { readJson } from '../store/json-file.js';
import { CheckpointIndex } from '../store/index-store.js';
import { acquireLock } from '../store/lock.js';
import { removeTempLeftovers } from '../retention/cleanup.js';
import { scanExperiment } from '../store/scan.js';
import { layout } from '../store/layout.js';

export interface VerifyReport {
  experiment: string;
  ok: boolean;
  /** Files that verified. */
  verified: number;
  problems: string[];
  repaired: string[];
}

/**
 * Checks every file the experiment owns (zip manifests and hashes, JSON records against their schemas) and the
 * index against the disk. With repair, rebuilds the index from what verifies and removes temporary leftovers
 * (taking the experiment's lock, so never under a running writer).
 */
export async function verifyExperiment(root: string, experiment: string, options: { repair?: boolean } = {}): Promise<VerifyReport> {
  await access(root).catch(() => {
    throw new Error(`no experiment folder at ${root}`);
  });
  const lock = options.repair ? await acquireLock(root, `wfo verify --repair --experiment ${experiment}`) : null;
  try {
    const scan = await scanExperiment(root);
    const problems: string[] = [];
    const repaired: string[] = [];
    for (const c of scan.corrupt) problems.push(`${c.path}: ${c.problem}`);
    for (const t of scan.temporary) problems.push(`${t}: temporary leftover of an interrupted write`);
    const index = await CheckpointIndex.read(root, experiment);
    if (!index) problems.push(`${layout.index}: missing or unreadable`);
    else problems.push(...compareIndex(index.entries, scan.entries));
    for (const [file, schema] of [
      ['walkforward_summary.json', walkforwardSummarySchema],
      ['checkpoint_summary.json', checkpointSummarySchema],
    ] as const) {
      const path = join(root, file);
      const present = await access(path).then(
        () => true,
        () => false,
      );
      if (present) await readJson(path, schema).catch((err: Error) => problems.push(`${file}: ${err.message}`));
    }
    if (options.repair && problems.length) {
      await CheckpointIndex.from(root, experiment, scan.entries).save();
      repaired.push(`${layout.index} rebuilt from ${scan.entries.length} verified files`);
      for (const t of await removeTempLeftovers(root)) repaired.push(`removed ${t}`);
    }
    return { experiment, ok: problems.length === 0, verified: scan.entries.length, problems, repaired };
  } finally {
    await lock?.release();
  }
}

/** Differences between the index and what is on disk, one line each. */
export function compareIndex(indexed: IndexEntry[], onDisk: IndexEntry[]): string[] {
  const problems: string[] = [];
  const disk = new Map(onDisk.map((e) => [e.path, e]));
  const listed = new Map(indexed.map((e) => [e.path, e]));
  for (const e of indexed) {
    const d = disk.get(e.path);
    if (!d) problems.push(`${e.path}: listed in the index but missing or failing verification on disk`);
    else if (d.sha256 !== e.sha256 || d.size !== e.size) problems.push(`${e.path}: on disk it differs from the index (size ${d.size} vs ${e.size})`);
  }
  for (const e of onDisk) if (!listed.has(e.path)) problems.push(`${e.path}: on disk but not in the index`);
  return problems;
}
