import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { stableStringify } from '../util/hash.js';
import type { RunContext } from '../walkforward/context/index.js';
import type { RunSetup } from '../walkforward/context/index.js';
import { JOB_FORMAT_VERSION, type JobPayload } from './jobs.js';
import { QUEUE_SECRET_ENV, signatureProblem } from './signing.js';
import { productVersion } from '../util/version.js';

/**
 * The job of iteration n as a coordinator queues it: paths made absolute for workers on other machines, a fresh
 * nonce the result must carry back, and no signature yet.
 */
export function buildPayload(ctx: RunContext, setup: RunSetup, n: number): JobPayload {
  const config = {
    ...setup.config,
    resultsDir: resolve(setup.config.resultsDir),
    data: { ...setup.config.data, path: resolve(setup.config.data.path) },
  };
  return {
    formatVersion: JOB_FORMAT_VERSION,
    productVersion: productVersion(),
    experiment: setup.experiment,
    configHash: setup.configHash,
    iteration: n,
    warmStart: config.training.warmStart,
    resumeFrom: ctx.resumeFrom?.iteration === n ? resolve(ctx.resumeFrom.file) : null,
    setup: { ...setup, config },
    nonce: randomBytes(16).toString('hex'),
  };
}

/** What must be the same for a job found in the queue to stand for the one this run would queue (the run id may differ). */
const core = (p: Partial<JobPayload>) =>
  stableStringify({
    formatVersion: p.formatVersion,
    experiment: p.experiment,
    configHash: p.configHash,
    iteration: p.iteration,
    warmStart: p.warmStart,
    resumeFrom: p.resumeFrom,
    config: p.setup?.config,
    seed: p.setup?.seed,
    metadata: p.setup?.metadata,
    plan: p.setup?.plan,
  });

/**
 * Why a job found under an iteration's id (queued by an earlier run of this coordinator, or by anyone who can write
 * to the Redis: the id is predictable) is not one this run would queue, or null when it is.
 */
export function foreignJobProblem(data: unknown, expected: JobPayload, secret: KeyObject | null): string | null {
  if (secret) {
    const problem = signatureProblem(data, 'job', secret);
    if (problem) return `is not one a coordinator with this ${QUEUE_SECRET_ENV} queued: ${problem}`;
  }
  const found = (data ?? {}) as Partial<JobPayload>;
  if (typeof found.nonce !== 'string') return 'has no nonce';
  return core(found) === core(expected) ? null : 'holds another config, seed or plan than this run';
}
