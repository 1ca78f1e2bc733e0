import { parseJson } from '../store/json-file.js';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { iterationRecordSchema, type FileKind, type IndexEntry } from '../records/index.js';
import { classify, layout, type ExperimentPaths } from '../store/layout.js';
import { METADATA_ENTRY, readZip } from '../store/zip-store.js';
import { sha256, stableStringify } from '../util/hash.js';
import { jobResultSchema, type IndexOp, type JobResult } from './jobs.js';
import { QUEUE_SECRET_ENV, signatureProblem } from './signing.js';

/** What the coordinator queued: a result must answer this job and no other. */
export interface QueuedJob {
  id: string;
  iteration: number;
  nonce: string;
}

export interface ResultExpectations {
  experiment: string;
  configHash: string;
  dataSha256: string;
  paths: ExperimentPaths;
  secret: KeyObject | null;
}

/** Files a worker may add or remove: those of the one iteration it ran. */
const ITERATION_KINDS = new Set<FileKind>(['preserved', 'metrics', 'placeholder', 'current_best', 'training', 'seed_result']);

/**
 * A finished job's result, checked against the job the coordinator queued before anything of it is adopted: signed
 * when a secret is set, the same job, nonce and iteration, index changes only to files of that iteration inside the
 * experiment, and a record that is the file on disk, whose model is the preserved file on disk, made under this
 * config and data. Returns the result, or why it is refused.
 */
export async function checkResult(value: unknown, job: QueuedJob, expect: ResultExpectations): Promise<JobResult | string> {
  let raw = value;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      return 'the result is not JSON';
    }
  }
  if (expect.secret) {
    const problem = signatureProblem(raw, 'result', expect.secret);
    if (problem) return `${problem}; results are adopted only when signed with this coordinator's ${QUEUE_SECRET_ENV}`;
  }
  const parsed = jobResultSchema.safeParse(raw);
  if (!parsed.success) {
    return `the result does not validate: ${parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(result)'}: ${i.message}`)
      .join('; ')}`;
  }
  const result = parsed.data as unknown as JobResult;
  const n = job.iteration;
  if (result.jobId !== job.id || result.nonce !== job.nonce)
    return `the result answers job ${result.jobId}, not the job ${job.id} queued by this run`;
  if (result.iteration !== n || result.record.iteration !== n) return `the result is of iteration ${result.record.iteration}, not ${n}`;
  if (result.record.experiment !== expect.experiment) return `the result's record is of experiment ${JSON.stringify(result.record.experiment)}`;
  const opProblem = result.index.map((op) => indexOpProblem(op, n)).find((p) => p !== null);
  if (opProblem) return opProblem;
  return (await filesProblem(result, expect)) ?? result;
}

function indexOpProblem(op: IndexOp, n: number): string | null {
  const own = (path: string) => {
    const owned = classify(path);
    return owned !== null && owned.iteration === n && ITERATION_KINDS.has(owned.kind) && !path.split('/').includes('..');
  };
  if (op.op === 'add') {
    const bad = op.entries.find((e) => !own(e.path) || classify(e.path)?.kind !== e.kind || e.iteration !== n);
    return bad ? `the result adds ${JSON.stringify(bad.path)} (${bad.kind}) to the index, which is not a file of iteration ${n}` : null;
  }
  if (op.op === 'remove') {
    const bad = op.paths.find((p) => !own(p));
    return bad === undefined ? null : `the result removes ${JSON.stringify(bad)} from the index, which is not a file of iteration ${n}`;
  }
  const folder = layout.iterationFolder(n);
  const ok = (op.prefix === folder || op.prefix.startsWith(`${folder}/`)) && !op.prefix.split('/').includes('..');
  return ok ? null : `the result removes ${JSON.stringify(op.prefix)} from the index, which is not the folder of iteration ${n}`;
}

/** The record the result carries is the file on disk, and a model record's model is the preserved zip on disk, of this config. */
async function filesProblem(result: JobResult, expect: ResultExpectations): Promise<string | null> {
  const { record } = result;
  const n = record.iteration;
  const added = new Map<string, IndexEntry>();
  for (const op of result.index) if (op.op === 'add') for (const e of op.entries) added.set(e.path, e);
  const recordFile = layout.record(n, record.kind);
  const entry = added.get(recordFile);
  if (!entry) return `the result does not add its record ${recordFile} to the index`;
  // Missing or unreadable: the next line refuses the result for it.
  const bytes = await readFile(expect.paths.at(recordFile)).catch(() => null);
  if (!bytes || sha256(bytes) !== entry.sha256) return `${recordFile} on disk is missing or is not the file the result indexes`;
  let onDisk: unknown;
  try {
    onDisk = parseJson(recordFile, bytes.toString('utf8'), iterationRecordSchema);
  } catch {
    return `${recordFile} on disk is not an iteration record`;
  }
  if (stableStringify(onDisk) !== stableStringify(record)) return `the result's record differs from ${recordFile} on disk`;
  if (record.kind !== 'model') return null;
  const modelFile = layout.preservedModel(n);
  if (record.model.file !== modelFile || added.get(modelFile)?.sha256 !== record.model.sha256) {
    return `the record's model ${JSON.stringify(record.model.file)} is not the ${modelFile} the result indexes`;
  }
  let metadata: { configHash?: unknown; dataSha256?: unknown; experiment?: unknown; iteration?: unknown };
  try {
    const zip = await readFile(expect.paths.at(modelFile));
    if (sha256(zip) !== record.model.sha256) return `${modelFile} on disk is not the model the record names (sha256 differs)`;
    const entries = await readZip(expect.paths.at(modelFile), [METADATA_ENTRY], { keep: [METADATA_ENTRY] });
    metadata = JSON.parse(entries[METADATA_ENTRY].toString('utf8'));
  } catch (err) {
    return `${modelFile} cannot be read and verified: ${(err as Error).message.split('\n')[0]}`;
  }
  if (metadata.configHash !== expect.configHash || metadata.dataSha256 !== expect.dataSha256) {
    return `${modelFile} was made under another config or data (its metadata says config ${String(metadata.configHash).slice(0, 12)}..., data ${String(metadata.dataSha256).slice(0, 12)}...)`;
  }
  if (metadata.experiment !== expect.experiment || metadata.iteration !== n) return `${modelFile} is of another experiment or iteration`;
  return null;
}
