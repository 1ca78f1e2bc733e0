import { layout } from '../store/layout.js';
import { experimentRecords } from '../store/experiment-records.js';
import type { KeyObject } from 'node:crypto';
import { algorithmOf } from '../agent/registry.js';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { selectBackend } from '../backend/select-backend.js';
import { ConfigError, InterruptedError, JobRefusedError } from '../errors/index.js';
import { createRunLogger, type LogRecord } from '../logging/logger.js';
import { throttled } from '../logging/throttle.js';
import { type RunConfigRecord } from '../records/index.js';
import { experimentPaths } from '../store/layout.js';
import { loadModelZip } from '../store/model-zip.js';
import { explicitResumePoint } from '../walkforward/seed/index.js';
import { buildRunContext, loadRunData, type RunData } from '../walkforward/context/index.js';
import { runOneIteration } from '../walkforward/selection/index.js';
import { settlesWithin } from './deadline.js';
import { checkJobAgainstExperiment, checkLoadedData, DataHashes } from './job-check.js';
import { checkPayload, iterationJobId, QUEUE_NAME, QUEUE_PREFIX, type IndexOp, type JobPayload, type JobResult } from './jobs.js';
import { credentialsRefused, redactSecret, redactUrl, redisCause, redisOptions } from './redis.js';
import { sign } from './signing.js';
import { productVersion } from '../util/version.js';
import { checkWorkerNumbers } from './worker-options.js';
import { forwardingIndex } from '../store/index-store.js';

export interface ClusterWorkerOptions {
  redisUrl: string;
  /** The shared results folder; a job naming an experiment outside it is refused. */
  resultsDir: string;
  /** Jobs run at once in this process (default 1). */
  concurrency?: number;
  /** Aborting saves a training checkpoint in every running job, gives the jobs back to the queue and stops. */
  signal?: AbortSignal;
  /** Lines for the console (never the Redis password). */
  say?: (line: string) => void;
  /** Log records of the iterations this worker runs. */
  onLog?: (record: LogRecord) => void;
  /** BullMQ's stalled-job check period and job lock (ms); short values only in tests. */
  stalledInterval?: number;
  lockDuration?: number;
  /** Stop after this many jobs (benchmarks and tests); unlimited by default. */
  maxJobs?: number;
  /** The product version this worker claims (tests of a mismatch); default package.json's. */
  version?: string;
  /** The secret shared with the coordinators (WFO_QUEUE_SECRET): only jobs it signed are run, and results are signed with it. */
  secret?: KeyObject | null;
  /** A repeated connection warning is said at most once per this many ms (default 60 s). */
  warnEveryMs?: number;
}

/**
 * How long stopping may take, in parts: running jobs save their training checkpoint and give their job back (the
 * give-back alone bounded, as Redis may be gone), then the queue connection closes, waiting for BullMQ to record
 * the jobs only when Redis answers. Together well under the 10 s systemd and Kubernetes allow after SIGTERM.
 */
const STOP = { jobsMs: 4000, giveBackMs: 1500, pingMs: 1000, closeMs: 2000 };

/**
 * A long-running process that takes iteration jobs from the queue and trains them with the iteration code of a
 * one-machine run, resuming from the newest training checkpoint that verifies. It writes the iteration's own
 * files into the shared experiment folder and hands every index change back in the job result, so the coordinator
 * stays the one writer of the index. Resolves once the worker has stopped (signal or maxJobs).
 */
export async function runClusterWorker(options: ClusterWorkerOptions): Promise<{ jobs: number }> {
  const numbers = checkWorkerNumbers({ ...options });
  const say = options.say ?? (() => undefined);
  const warn = throttled(say, options.warnEveryMs ?? 60_000);
  const url = options.redisUrl;
  const where = redactUrl(url);
  const concurrency = numbers.concurrency ?? 1;
  const identity = { resultsDir: options.resultsDir, productVersion: options.version ?? productVersion(), secret: options.secret ?? null };
  const hashes = new DataHashes();
  const running = new Set<AbortController>();
  const inFlight = new Set<Promise<unknown>>();
  let data: { key: string; value: RunData } | null = null;
  let jobs = 0;
  let stopping: Promise<void> | null = null;

  /** Every check that needs no training, before anything is written; a lie is refused for good, not retried. */
  const prepare = async (job: Job): Promise<{ payload: JobPayload; data: RunData }> => {
    let payload: JobPayload;
    let recorded: RunConfigRecord;
    try {
      payload = checkPayload(job.data, identity);
      recorded = await checkJobAgainstExperiment(payload, hashes);
      const id = iterationJobId(resolve(payload.setup.config.resultsDir, payload.experiment), payload.configHash, payload.iteration);
      if (job.id !== id)
        throw new JobRefusedError(`refused iteration ${payload.iteration} of ${payload.experiment}: it is queued as job ${job.id}, not as ${id}`);
      await selectBackend(payload.setup.config.backend);
      const key = `${payload.configHash}:${payload.setup.config.data.path}`;
      if (data?.key !== key) data = { key, value: await loadRunData(payload.setup.config) };
      checkLoadedData(payload, data.value, recorded);
      return { payload, data: data.value };
    } catch (err) {
      // A config the job carries (a feature that reaches for a file, say) fails the same on every worker: no retry.
      if (!(err instanceof JobRefusedError || err instanceof ConfigError)) throw err;
      say(`${err.name === 'ConfigError' ? `refused job ${job.id}: ` : ''}${err.message}`);
      throw new UnrecoverableError(`${err.name}: ${err.message}`);
    }
  };

  const processJob = async (job: Job, token?: string): Promise<JobResult> => {
    const controller = new AbortController();
    running.add(controller);
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    let payload: JobPayload | null = null;
    try {
      const prepared = await prepare(job);
      payload = prepared.payload;
      say(`iteration ${payload.iteration} of ${payload.experiment}: started (job ${job.id}, attempt ${job.attemptsMade + 1})`);
      const result = await runJob(payload, prepared.data, job, controller.signal, options.onLog);
      say(`iteration ${payload.iteration} of ${payload.experiment}: done (${result.record.kind})`);
      return identity.secret ? sign(result, 'result', identity.secret) : result;
    } catch (err) {
      if (err instanceof UnrecoverableError) throw err;
      const which = payload ? `iteration ${payload.iteration} of ${payload.experiment}` : `job ${job.id}`;
      if (err instanceof InterruptedError || controller.signal.aborted) {
        // Given back, not failed: the job waits again and the next worker resumes from the checkpoint just saved.
        // With Redis gone the give-back cannot be made; the job's lock then runs out and the stalled-job check gives it back.
        const given = answering() && (await settlesWithin(job.moveToDelayed(Date.now(), token), STOP.giveBackMs));
        say(
          given
            ? `${which}: training checkpoint saved; job ${job.id} given back to the queue`
            : `${which}: training checkpoint saved; Redis did not answer, so job ${job.id} goes back to the queue by the stalled-job check`,
        );
        throw new DelayedError();
      }
      const e = err as Error;
      say(`${which} failed: ${e.name}: ${e.message}`);
      throw new Error(`${e.name}: ${e.message}`, { cause: err });
    } finally {
      running.delete(controller);
      jobs++;
      if (numbers.maxJobs !== undefined && jobs >= numbers.maxJobs) void stop();
    }
  };

  const track = (job: Job, token?: string) => {
    const work = processJob(job, token);
    inFlight.add(work);
    // The job's failure is reported by BullMQ from the processor's own promise; this set only tracks what runs.
    void work.catch(() => undefined).finally(() => inFlight.delete(work));
    return work;
  };

  let client: Redis | null = null;
  let worker: Worker | null = null;
  const answering = () => client?.status === 'ready';
  const stop = () => {
    stopping ??= (async () => {
      for (const c of running) c.abort(options.signal?.reason ?? 'SIGTERM');
      await settlesWithin(Promise.allSettled([...inFlight]), STOP.jobsMs);
      if (worker && client) await closeWorker(worker, client);
      client?.disconnect();
    })();
    return stopping;
  };
  options.signal?.addEventListener('abort', () => void stop(), { once: true });

  say(`worker ${hostname()}:${process.pid} waiting for iterations on ${where} (concurrency ${concurrency})`);
  if (!(await reachable(url, options.signal, warn))) {
    await stop();
    return { jobs };
  }
  // Connecting at once (not lazily): BullMQ's copies of this client then wait through failed tries instead of
  // failing for good on the first refused connection.
  client = new Redis(redisOptions(url));
  // The client's errors are the worker's too, said (at a bounded rate) by its listener below.
  client.on('error', () => undefined);
  worker = new Worker(QUEUE_NAME, track, {
    connection: client,
    prefix: QUEUE_PREFIX,
    concurrency,
    stalledInterval: numbers.stalledInterval ?? 30_000,
    lockDuration: numbers.lockDuration ?? 30_000,
    maxStalledCount: 5,
    autorun: false,
  });
  worker.on('error', (err) => warn(`queue connection: ${redactSecret(err.message, url)} (retrying)`));
  const closed = new Promise<void>((resolveClosed) => worker?.on('closed', () => resolveClosed()));
  void worker.run().catch((err: Error) => warn(`queue connection: ${redactSecret(err.message, url)} (retrying)`));
  if (options.signal?.aborted) void stop();
  await Promise.race([closed, new Promise<void>((r) => options.signal?.addEventListener('abort', () => r(), { once: true }))]);
  await stop();
  return { jobs };
}

/**
 * Waits until the server at `url` answers, retrying with backoff (up to 5 s apart) and saying so at a bounded rate:
 * a worker is a service, started perhaps before its Redis. False when the signal stops the wait first; a refused
 * password is a UsageError at once, since no retry mends it.
 */
async function reachable(url: string, signal: AbortSignal | undefined, warn: (line: string) => void): Promise<boolean> {
  const probe = new Redis({ ...redisOptions(url), lazyConnect: true, retryStrategy: (times) => Math.min(250 * 2 ** Math.min(times - 1, 5), 5000) });
  try {
    return await new Promise<boolean>((resolveWait, reject) => {
      probe.on('error', (err) => {
        const refused = credentialsRefused(err, url);
        if (refused) reject(refused);
        else warn(`Redis at ${redactUrl(url)} is unreachable (${redisCause(err, url)}); retrying with backoff`);
      });
      if (signal?.aborted) return resolveWait(false);
      signal?.addEventListener('abort', () => resolveWait(false), { once: true });
      probe.once('ready', () => resolveWait(true));
      // A refused connection is retried by ioredis; the wait ends on 'ready' or the abort.
      probe.connect().catch(() => undefined);
    });
  } finally {
    probe.disconnect();
  }
}

/**
 * Closes the worker: gracefully when Redis answers (BullMQ records the jobs that just ended), at once when it does
 * not, since a graceful close would wait for a connection that is not coming back.
 */
async function closeWorker(worker: Worker, client: Redis): Promise<void> {
  const answers = client.status === 'ready' && (await settlesWithin(client.ping(), STOP.pingMs)) && client.status === 'ready';
  if (answers && (await settlesWithin(worker.close(), STOP.closeMs))) return;
  await settlesWithin(worker.close(true), STOP.closeMs);
}

async function runJob(payload: JobPayload, data: RunData, job: Job, signal: AbortSignal, onLog?: (r: LogRecord) => void): Promise<JobResult> {
  const { setup } = payload;
  const ops: IndexOp[] = [];
  const paths = experimentPaths(setup.config.resultsDir, payload.experiment);
  const index = forwardingIndex(paths.root, async (op) => void ops.push(op));
  const logger = createRunLogger({ level: setup.logLevel, runId: setup.runId, experiment: payload.experiment, sink: onLog });
  const ctx = buildRunContext(data, setup, {
    index,
    logger,
    now: () => new Date(),
    // Progress is a courtesy to watchers: a lost update must not fail the training.
    onProgress: (state) => void job.updateProgress(state).catch(() => undefined),
    signal,
  });
  const window = ctx.windows.find((w) => w.iteration === payload.iteration);
  if (!window) throw new JobRefusedError(`iteration ${payload.iteration} is not in the plan of ${payload.experiment}`);
  const explicit = payload.resumeFrom ? await explicitResumePoint(payload.resumeFrom, algorithmOf(setup.config.agent)) : null;
  const resumeFrom =
    explicit && explicit.iteration === payload.iteration ? { file: explicit.file, iteration: explicit.iteration, state: explicit.state } : undefined;
  const warm = payload.warmStart ? await warmStartFrom(paths, payload.iteration) : null;
  // No plots here: the coordinator draws them from the record it has checked.
  const outcome = await runOneIteration({ ...ctx, resumeFrom }, window, warm, null);
  return {
    jobId: String(job.id),
    nonce: payload.nonce,
    iteration: payload.iteration,
    record: outcome.record,
    timings: outcome.timings,
    index: ops,
    worker: `${hostname()}:${process.pid}`,
  };
}

/** The newest preserved model of an earlier iteration, as a one-machine run finds it (the coordinator queues in order). */
async function warmStartFrom(
  paths: ReturnType<typeof experimentPaths>,
  iteration: number,
): Promise<{ iteration: number; weights: Float32Array[] } | null> {
  for (let n = iteration - 1; n >= 1; n--) {
    // An iteration without a model record has nothing to start from; the one before it is tried.
    const record = await experimentRecords(paths.root)
      .iteration(layout.metrics(n))
      .catch(() => null);
    if (record?.kind !== 'model') continue;
    const loaded = await loadModelZip(paths.preservedModel(n));
    loaded.model.dispose();
    return { iteration: n, weights: loaded.weights };
  }
  return null;
}
