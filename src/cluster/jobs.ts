import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { configSchema } from '../config/schema.js';
import { JobRefusedError } from '../errors/index.js';
import { quote } from '../errors/quote.js';
import { indexEntrySchema, iterationRecordSchema } from '../records/schemas.js';
import { sha256 } from '../util/hash.js';
import type { RunSetup } from '../walkforward/run-context.js';
import type { IterationOutcome } from '../walkforward/run-iteration.js';
import type { ChartJob } from '../report/chart-jobs.js';
import type { IndexEntry } from '../records/schemas.js';

/** The one queue every coordinator and worker of this product uses; the prefix keeps it apart from other apps. */
export const QUEUE_NAME = 'wfo-iterations';
export const QUEUE_PREFIX = 'wfo';
export const JOB_FORMAT_VERSION = 1 as const;

const hash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in hex');

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
});
export type JobPayload = Omit<z.infer<typeof jobPayloadSchema>, 'setup'> & { setup: RunSetup };

export type IndexOp = { op: 'add'; entries: IndexEntry[] } | { op: 'remove'; paths: string[] } | { op: 'removeUnder'; prefix: string };

/** What a worker returns: the iteration's outcome, the index changes the coordinator applies, and the plots it draws. */
export const jobResultSchema = z.object({
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
  charts: z.array(z.object({ file: z.string(), spec: z.record(z.string(), z.unknown()) })),
  worker: z.string(),
});
export interface JobResult {
  iteration: number;
  record: IterationOutcome['record'];
  timings: IterationOutcome['timings'];
  index: IndexOp[];
  charts: ChartJob[];
  worker: string;
}

/**
 * The job id of one iteration: the same experiment folder, config and iteration always give the same id, so a
 * coordinator run again finds the jobs it queued before instead of adding them twice. (BullMQ ids may not hold ':'.)
 */
export function iterationJobId(experimentRoot: string, configHash: string, iteration: number): string {
  return `${sha256(resolve(experimentRoot)).slice(0, 12)}.${configHash.slice(0, 12)}.iter${iteration}`;
}

/** A job's payload after the checks a worker makes before it touches a file; a refusal names what is wrong. */
export function checkPayload(data: unknown, worker: { resultsDir: string; productVersion: string }): JobPayload {
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

function inside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
