import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ExperimentNotFoundError } from '../errors/index.js';
import { bestModelSchema, iterationDigestSchema, iterationRecordSchema, type IndexEntry, type IterationDigest } from '../records/schemas.js';
import { digestOf } from '../analysis/digest.js';
import { CheckpointIndex } from './index-store.js';
import { scanExperiment } from './scan.js';
import { layout } from './layout.js';

export interface OpenedExperiment {
  root: string;
  experiment: string;
  index: CheckpointIndex;
  /** True when checkpoint_index.json was missing and the index was rebuilt in memory from the files. */
  rebuilt: boolean;
  bestIteration: number | null;
  digests: IterationDigest[];
}

/**
 * Read-only view of an experiment through its index: one JSON file, whatever the number of checkpoints.
 * Without an index (an experiment from before the index, or a damaged one) the files are scanned instead.
 */
export async function openExperiment(experimentDir: string): Promise<OpenedExperiment> {
  const root = resolve(experimentDir);
  const experiment = basename(root);
  let index = await CheckpointIndex.read(root, experiment);
  let rebuilt = false;
  if (!index) {
    const hasConfig = await readFile(join(root, layout.config)).then(
      () => true,
      () => false,
    );
    if (!hasConfig) throw new ExperimentNotFoundError(`${experimentDir} is not an experiment folder (no config.json or checkpoint_index.json)`);
    index = CheckpointIndex.from(root, experiment, (await scanExperiment(root)).entries);
    rebuilt = true;
  }
  const best = await readFile(join(root, layout.bestModelJson), 'utf8')
    .then((t) => bestModelSchema.parse(JSON.parse(t)).iteration)
    .catch(() => null);
  return { root, experiment, index, rebuilt, bestIteration: best, digests: await digestsOf(root, index.entries) };
}

/**
 * The iteration digests the index holds for metrics and placeholder records, by iteration. An entry without a
 * digest (an index from an older version) is read from its record file instead.
 */
async function digestsOf(root: string, entries: IndexEntry[]): Promise<IterationDigest[]> {
  const out = new Map<number, IterationDigest>();
  for (const e of entries) {
    if (e.kind !== 'metrics' && e.kind !== 'placeholder') continue;
    const parsed = iterationDigestSchema.safeParse(e.metrics);
    if (parsed.success) out.set(parsed.data.iteration, parsed.data);
    else {
      const record = iterationRecordSchema.safeParse(JSON.parse(await readFile(join(root, e.path), 'utf8').catch(() => 'null')));
      if (record.success) out.set(record.data.iteration, digestOf(record.data));
    }
  }
  return [...out.values()].sort((a, b) => a.iteration - b.iteration);
}
