import type { KeyObject } from 'node:crypto';
import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { configSchema } from '../config/schema.js';
import { JobRefusedError } from '../errors/index.js';
import { clip, quote } from '../errors/index.js';
import { indexEntrySchema, iterationRecordSchema } from '../records/index.js';
import { sha256 } from '../util/hash.js';
import type { RunSetup } from '../walkforward/context/index.js';
import type { IterationOutcome } from '../walkforward/selection/index.js';
import { QUEUE_SECRET_ENV, signatureProblem } from './signing.js';
import type { IndexOp } from '../store/index-store.js';

/** The one queue every coordinator and worker of this product uses; the prefix keeps it apart from other apps. */
export const QUEUE_NAME = 'wfo-iterations';
export const QUEUE_PREFIX = 'wfo';
export const JOB_FORMAT_VERSION = 2 as const;

const hash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in hex');
const nonce = z.string().regex(/^[0-9a-f]{32}$/, 'must be 16 random bytes in hex');
const signature = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be an HMAC-SHA256 in hex')
  .optional();

const setupSchema = z.object({
  experiment: z.string().min(1),
  config: configSchema,
  seed: z.number().int(),
  configHash: hash,
  metadata: z.looseObject({ experiment: z.string(), configHash: hash, dataSha256: hash, versions: z.record(z.string(), z.string()) }),
  plan: z.object({ totalSteps: z.number().int(), modelEvery: z.number().int(), imageEvery: z.number().int(), progressEvery: z.number().int() }),
  runId: z.string(),
  logLevel: z.string(),
  charts: z.boolean(),
});

/** What a coordinator puts in a job: everything a worker needs, as plain data, and nothing it must trust blindly. */
export const jobPayloadSchema = z.object({
  formatVersion: z.literal(JOB_FORMAT_VERSION),
  productVersion: z.string(),
  experiment: z.string(),
  configHash: hash,
  iteration: z.number().int().min(1),
  /** Start from the newest preserved model of an earlier iteration (training.warmStart). */
  warmStart: z.boolean(),
  /** An explicit training checkpoint (--resume) for this iteration, inside the experiment folder. */
  resumeFrom: z.string().nullable(),
  setup: setupSchema,
  /** Random per queued job; the worker's result must carry it back, so a result answers this job and no other. */
  nonce,
  /** HMAC-SHA256 of the rest with the shared secret (WFO_QUEUE_SECRET), when one is set. */
  signature,
});
export type JobPayload = Omit<z.infer<typeof jobPayloadSchema>, 'setup'> & { setup: RunSetup };

export type { IndexOp } from '../store/index-store.js';

/**
 * What a worker returns: the iteration's outcome and the index changes the coordinator applies. The coordinator draws
 * the iteration's plots from the record it has checked, never from a spec a worker sends.
 */
export const jobResultSchema = z.object({
  jobId: z.string(),
  nonce,
  iteration: z.number().int().min(1),
  record: iterationRecordSchema,
  timings: z.object({ training: z.number(), evaluation: z.number(), preservation: z.number() }),
  index: z.array(
    z.discriminatedUnion('op', [
      z.object({ op: z.literal('add'), entries: z.array(indexEntrySchema) }),
      z.object({ op: z.literal('remove'), paths: z.array(z.string()) }),
      z.object({ op: z.literal('removeUnder'), prefix: z.string() }),
    ]),
  ),
  worker: z.string(),
  signature,
});
export interface JobResult {
  jobId: string;
  nonce: string;
  iteration: number;
  record: IterationOutcome['record'];
  timings: IterationOutcome['timings'];
  index: IndexOp[];
  worker: string;
  signature?: string;
}

/**
 * The job id of one iteration: the same experiment folder, config and iteration always give the same id, so a
 * coordinator run again finds the jobs it queued before instead of adding them twice. (BullMQ ids may not hold ':'.)
 */
export function iterationJobId(experimentRoot: string, configHash: string, iteration: number): string {
  return `${sha256(resolve(experimentRoot)).slice(0, 12)}.${configHash.slice(0, 12)}.iter${iteration}`;
}

export interface WorkerIdentity {
  resultsDir: string;
  productVersion: string;
  /** The shared secret: with one, only jobs it signed are run; without, a signed job is refused (its results could not be signed). */
  secret?: KeyObject | null;
}

/** A job's payload after the checks a worker makes before it touches a file; a refusal names what is wrong. */
export function checkPayload(data: unknown, worker: WorkerIdentity): JobPayload {
  checkSignature(data, worker.secret ?? null);
  const parsed = jobPayloadSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
    throw new JobRefusedError(`refused a job whose payload does not validate: ${problems.join('; ')}`);
  }
  const payload = parsed.data as unknown as JobPayload;
  if (payload.productVersion !== worker.productVersion) {
    throw new JobRefusedError(
      `refused iteration ${payload.iteration} of ${payload.experiment}: it was queued by wfo-rl ${payload.productVersion} and this worker runs ` +
        `${worker.productVersion}; start workers of the coordinator's version`,
    );
  }
  if (payload.setup.configHash !== payload.configHash || payload.setup.experiment !== payload.experiment) {
    throw new JobRefusedError(
      `refused iteration ${payload.iteration} of ${payload.experiment}: the payload's setup is of another experiment or config hash`,
    );
  }
  const shared = resolve(worker.resultsDir);
  const folder = resolve(payload.setup.config.resultsDir, payload.experiment);
  if (!inside(shared, folder) || !isAbsolute(payload.setup.config.resultsDir)) {
    throw new JobRefusedError(
      `refused iteration ${payload.iteration}: its experiment folder ${quote(folder)} is not inside this worker's results folder ${quote(shared)} ` +
        '(the same path must be mounted on every machine; see --results-dir)',
    );
  }
  if (payload.resumeFrom !== null && !inside(folder, resolve(payload.resumeFrom))) {
    throw new JobRefusedError(
      `refused iteration ${payload.iteration}: --resume ${quote(payload.resumeFrom)} is outside the experiment folder ${quote(folder)}`,
    );
  }
  return payload;
}

function checkSignature(data: unknown, secret: KeyObject | null): void {
  const raw = (data ?? {}) as { iteration?: unknown; experiment?: unknown; signature?: unknown };
  const which = `iteration ${clip(String(raw.iteration), 20)} of ${clip(String(raw.experiment), 60)}`;
  if (secret) {
    const problem = signatureProblem(data, 'job', secret);
    if (problem) {
      throw new JobRefusedError(
        `refused ${which}: ${problem}; this worker runs only jobs signed with its ${QUEUE_SECRET_ENV}, which the coordinator must share`,
      );
    }
  } else if (raw.signature !== undefined) {
    throw new JobRefusedError(
      `refused ${which}: the job is signed but this worker has no ${QUEUE_SECRET_ENV}, so its result could not be; start the worker with the coordinator's secret`,
    );
  }
}

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
