import { experimentRecords } from '../store/experiment-records.js';
import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { dataPathSha256 } from '../data/load-series.js';
import { DataError, JobRefusedError } from '../errors/index.js';
import { type RunConfigRecord } from '../records/index.js';
import { savePlan } from '../plan/save-plan.js';
import { experimentPaths, layout } from '../store/layout.js';
import { ownershipOf } from '../store/ownership.js';
import { sha256File, stableStringify } from '../util/hash.js';
import type { RunData } from '../walkforward/context/index.js';
import { resumeHash } from '../walkforward/start/index.js';
import type { JobPayload } from './jobs.js';

const short = (hash: string) => `${hash.slice(0, 12)}...`;

/**
 * A job checked against what its experiment folder records, before anything is trained or written: a job carries
 * its whole config, and the config hash it names is trusted only once recomputed. The hash is `resumeHash` of the
 * config as the coordinator had it; the coordinator sends data.path made absolute (and resultsDir, which the hash
 * leaves out), so the recomputation takes data.path as config.json recorded it, and the file the job points at must
 * then have the sha256 config.json records. A lie about the config, seed or plan is refused for good (JobRefusedError);
 * a data file that differs is a DataError, retried, as a file still being copied to a shared mount would be.
 */
export async function checkJobAgainstExperiment(payload: JobPayload, hashes: DataHashes): Promise<RunConfigRecord> {
  const { setup } = payload;
  const which = `iteration ${payload.iteration} of ${payload.experiment}`;
  const paths = experimentPaths(setup.config.resultsDir, payload.experiment);
  // The coordinator marks (or adopts) the folder before it queues a job: a worker writes only into a folder so marked.
  const owned = await ownershipOf(paths.root, 'experiment', payload.experiment).catch((err: Error) => ({ state: 'foreign', why: err.message }));
  if (owned.state !== 'ours')
    throw new JobRefusedError(`refused ${which}: ${paths.root} is not an experiment folder of wfo-rl marked by its coordinator`);
  let recorded: RunConfigRecord;
  try {
    recorded = await experimentRecords(paths.root).config();
  } catch (err) {
    throw new JobRefusedError(`refused ${which}: cannot read the experiment's config ${paths.config} (${(err as Error).message.split('\n')[0]})`);
  }
  if (recorded.configHash !== payload.configHash) {
    throw new JobRefusedError(
      `refused ${which}: the job is of config hash ${short(payload.configHash)} but ${paths.config} records ${short(recorded.configHash)}; ` +
        'the experiment was restarted with another configuration',
    );
  }
  const recordedPath = String((recorded.config.data as { path?: unknown } | undefined)?.path);
  const recomputed = resumeHash({ ...setup.config, data: { ...setup.config.data, path: recordedPath } }, Boolean(recorded.data.panel));
  if (recomputed !== payload.configHash) {
    throw new JobRefusedError(
      `refused ${which}: its config hashes to ${short(recomputed)}, not to the ${short(payload.configHash)} it names; ` +
        'the job was not queued by the coordinator of this experiment',
    );
  }
  const lies: string[] = [];
  if (isAbsolute(recordedPath) && setup.config.data.path !== recordedPath)
    lies.push(`data.path ${setup.config.data.path} (config.json: ${recordedPath})`);
  if (setup.seed !== recorded.seed) lies.push(`seed ${setup.seed} (config.json: ${recorded.seed})`);
  if (payload.warmStart !== setup.config.training.warmStart)
    lies.push(`warmStart ${payload.warmStart} (the config: ${setup.config.training.warmStart})`);
  if (setup.metadata.configHash !== payload.configHash) lies.push(`metadata.configHash ${short(setup.metadata.configHash)}`);
  if (setup.metadata.dataSha256 !== recorded.data.sha256)
    lies.push(`metadata.dataSha256 ${short(setup.metadata.dataSha256)} (config.json: ${short(recorded.data.sha256)})`);
  if (lies.length) throw new JobRefusedError(`refused ${which}: the job disagrees with ${paths.config}: ${lies.join('; ')}`);
  const finished = await finishedRecord(paths.root, payload.iteration);
  if (finished) {
    throw new JobRefusedError(
      `refused ${which}: the iteration is finished (${finished} is in the experiment's index); its coordinator queues only unfinished ones`,
    );
  }
  const found = await hashes.of(setup.config.data.path, which);
  if (found !== recorded.data.sha256) throw dataChanged(setup.config.data.path, found, recorded.data.sha256, paths.config);
  return recorded;
}

/**
 * The record of iteration n when the iteration is finished as the coordinator's start decides it (the index lists its
 * record, and for a model the preserved zip the record names), else null.
 */
async function finishedRecord(root: string, n: number): Promise<string | null> {
  try {
    const read = experimentRecords(root);
    const index = await read.index();
    const sha = new Map(index.entries.map((e) => [e.path, e.sha256]));
    for (const file of [layout.metrics(n), layout.placeholder(n)]) {
      if (!sha.has(file)) continue;
      const record = await read.iteration(file);
      if (record.kind === 'placeholder' || sha.get(layout.preservedModel(n)) === record.model.sha256) return file;
    }
  } catch {
    // No index yet, or one the coordinator rebuilds at its start: the iteration is not known to be finished.
  }
  return null;
}

/** After the data is loaded: the bytes read are the recorded ones, and the job's save plan is the one its config gives. */
export function checkLoadedData(payload: JobPayload, data: RunData, recorded: RunConfigRecord): void {
  const { series, windows } = data.plan;
  if (series.sha256 !== recorded.data.sha256) throw dataChanged(series.file, series.sha256, recorded.data.sha256, layout.config);
  if (stableStringify(savePlan(payload.setup.config, windows.length)) !== stableStringify(payload.setup.plan)) {
    throw new JobRefusedError(`refused iteration ${payload.iteration} of ${payload.experiment}: its save plan is not the one its config gives`);
  }
}

function dataChanged(file: string, found: string, recorded: string, where: string): DataError {
  return new DataError(
    file,
    `sha256 ${short(found)} is not the ${short(recorded)} that ${where} records for this experiment's data; ` +
      'the file changed since the run started, or the job points at another file',
  );
}

/**
 * The sha256 of data files by path, computed again only when the file's identity, size or times change, so a
 * large file is not read once per job.
 */
export class DataHashes {
  private readonly known = new Map<string, { stamp: string; sha256: string }>();

  async of(path: string, which: string): Promise<string> {
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      // A glob names no file itself: the data layer expands it and hashes what it matches.
      if (err.code === 'ENOENT' && /[*?[]/.test(path)) return null;
      throw new DataError(path, `cannot read the data file of ${which}: ${err.code ?? err.message}`);
    });
    // A folder or glob of instruments: each of its files is hashed (and checked to be a regular file) by the data layer.
    if (!info || info.isDirectory()) return dataPathSha256(path);
    if (!info.isFile()) throw new JobRefusedError(`refused ${which}: its data file ${path} is not a regular file`);
    const stamp = `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    const cached = this.known.get(path);
    if (cached?.stamp === stamp) return cached.sha256;
    const sha256 = await sha256File(path);
    this.known.set(path, { stamp, sha256 });
    return sha256;
  }
}
