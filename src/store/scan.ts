import { readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { iterationRecordSchema, bestModelSchema, modelCardSchema, seedResultSchema, type IndexEntry } from '../records/index.js';
import { classify, type OwnedFile } from './layout.js';
import { sha256 } from '../util/hash.js';
import { digestOf } from '../analysis/digest.js';
import { isTempName } from './atomic-file.js';
import { METADATA_ENTRY, readZip } from './zip-store.js';
import { entriesIfPresent } from '../util/folder-entries.js';

export interface ScanResult {
  /** Files that verify, as index entries. */
  entries: IndexEntry[];
  /** Files that belong to the experiment but fail verification, with why. */
  corrupt: Array<{ path: string; problem: string }>;
  /** Temporary leftovers of interrupted writes. */
  temporary: string[];
}

/** Reads every owned file of an experiment, verifying zips against their manifests and JSON against its schema. */
export async function scanExperiment(root: string): Promise<ScanResult> {
  const result: ScanResult = { entries: [], corrupt: [], temporary: [] };
  for (const absolute of await listFiles(root)) {
    const path = relative(root, absolute).split(sep).join('/');
    if (isTempName(path)) {
      result.temporary.push(path);
      continue;
    }
    const owned = classify(path);
    if (!owned) continue;
    try {
      result.entries.push(await describeFile(root, path, owned));
    } catch (err) {
      result.corrupt.push({ path, problem: (err as Error).message });
    }
  }
  return result;
}

export async function describeFile(root: string, path: string, owned: OwnedFile): Promise<IndexEntry> {
  const absolute = join(root, path);
  const bytes = await readFile(absolute);
  const info = await stat(absolute);
  let iteration = owned.iteration;
  let step = owned.step;
  let metrics: Record<string, unknown> | null;
  if (path.endsWith('.zip')) {
    const entries = await readZip(absolute, [METADATA_ENTRY]);
    const meta = JSON.parse(entries[METADATA_ENTRY].toString('utf8')) as { iteration?: number; step?: number; metrics?: Record<string, unknown> };
    iteration = meta.iteration ?? iteration;
    step = meta.step ?? step;
    metrics = meta.metrics ?? null;
  } else {
    const json = JSON.parse(bytes.toString('utf8'));
    if (owned.kind === 'seed_result') {
      seedResultSchema.parse(json);
      metrics = null;
    } else if (owned.kind === 'production_card') {
      const card = modelCardSchema.parse(json);
      metrics = { [card.selection.metric]: card.selection.score };
      step = card.selection.step;
    } else if (owned.kind === 'best_record') {
      const best = bestModelSchema.parse(json);
      iteration = best.iteration;
      metrics = { [best.metric]: best.score };
    } else {
      const record = iterationRecordSchema.parse(json);
      metrics = digestOf(record);
      step = record.selection.step;
    }
  }
  return { path, kind: owned.kind, size: info.size, sha256: sha256(bytes), iteration, step, metrics, time: info.mtime.toISOString() };
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await entriesIfPresent(folder);
  const out: string[] = [];
  for (const e of entries) {
    const p = join(folder, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
