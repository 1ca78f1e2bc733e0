import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { selectBackend } from '../backend/select-backend.js';
import { InterruptedError, JobRefusedError } from '../errors/index.js';
import { createRunLogger, type LogRecord } from '../logging/logger.js';
import type { ChartJob, ChartSink } from '../report/chart-jobs.js';
import { iterationRecordSchema, runConfigSchema, type IndexEntry } from '../records/schemas.js';
import type { IndexWriter } from '../store/index-store.js';
import { experimentPaths } from '../store/layout.js';
import { ownershipOf } from '../store/ownership.js';
import { loadModelZip } from '../store/model-zip.js';
import { explicitResumePoint } from '../walkforward/resume-point.js';
import { buildRunContext, loadRunData, type RunData } from '../walkforward/run-context.js';
import { runOneIteration } from '../walkforward/run-iteration.js';
import { checkPayload, QUEUE_NAME, QUEUE_PREFIX, type IndexOp, type JobPayload, type JobResult } from './jobs.js';
import { redactSecret, redactUrl, redisClient } from './redis.js';
import { productVersion } from './version.js';

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
}

/**
 * A long-running process that takes iteration jobs from the queue and trains them with the iteration code of a
 * one-machine run, resuming from the newest training checkpoint that verifies. It writes the iteration's own
 * files into the shared experiment folder and hands every index change back in the job result, so the coordinator
 * stays the one writer of the index. Resolves once the worker has stopped (signal or maxJobs).
 */
export async function runClusterWorker(options: ClusterWorkerOptions): Promise<{ jobs: number }> {
  const say = options.say ?? (() => undefined);
  const where = redactUrl(options.redisUrl);
  const version = options.version ?? productVersion();
  const running = new Set<AbortController>();
  let data: { key: string; value: RunData } | null = null;
  let jobs = 0;
  let stopping = false;

  const processJob = async (job: Job, token?: string): Promise<JobResult> => {
    let payload: JobPayload;
    try {
      payload = checkPayload(job.data, { resultsDir: options.resultsDir, productVersion: version });
      await checkExperimentConfig(payload);
    } catch (err) {
      const message = err instanceof JobRefusedError ? err.message : `refused a job: ${(err as Error).message}`;
      say(message);
      throw new UnrecoverableError(`JobRefusedError: ${message}`);
    }
    const controller = new AbortController();
    running.add(controller);
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    try {
      say(`iteration ${payload.iteration} of ${payload.experiment}: started (job ${job.id}, attempt ${job.attemptsMade + 1})`);
      await selectBackend(payload.setup.config.backend);
      const key = `${payload.configHash}:${payload.setup.config.data.path}`;
      if (data?.key !== key) data = { key, value: loadRunData(payload.setup.config) };
      const result = await runJob(payload, data.value, job, controller.signal, options.onLog);
      say(`iteration ${payload.iteration} of ${payload.experiment}: done (${result.record.kind})`);
      return result;
    } catch (err) {
      if (err instanceof InterruptedError || controller.signal.aborted) {
        // Given back, not failed: the job waits again and the next worker resumes from the checkpoint just saved.
        await job.moveToDelayed(Date.now(), token);
        say(`iteration ${payload.iteration} of ${payload.experiment}: training checkpoint saved; job ${job.id} given back to the queue`);
        throw new DelayedError();
      }
      const e = err as Error;
      say(`iteration ${payload.iteration} of ${payload.experiment} failed: ${e.name}: ${e.message}`);
      throw new Error(`${e.name}: ${e.message}`, { cause: err });
    } finally {
      running.delete(controller);
      jobs++;
      if (options.maxJobs !== undefined && jobs >= options.maxJobs) void stop();
    }
  };

  const client = redisClient(options.redisUrl);
  const worker = new Worker(QUEUE_NAME, processJob, {
    connection: client,
    prefix: QUEUE_PREFIX,
    concurrency: options.concurrency ?? 1,
    stalledInterval: options.stalledInterval ?? 30_000,
    lockDuration: options.lockDuration ?? 30_000,
    maxStalledCount: 5,
    autorun: false,
  });
  worker.on('error', (err) => say(`queue connection: ${redactSecret(err.message, options.redisUrl)} (retrying)`));
  const closed = new Promise<void>((resolve) => worker.on('closed', () => resolve()));
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const c of running) c.abort(options.signal?.reason ?? 'SIGTERM');
    await worker.close();
  };
  options.signal?.addEventListener('abort', () => void stop(), { once: true });
  say(`worker ${hostname()}:${process.pid} waiting for iterations on ${where} (concurrency ${options.concurrency ?? 1})`);
  void worker.run();
  if (options.signal?.aborted) await stop();
  await closed;
  client.disconnect();
  return { jobs };
}

/** The experiment folder must record the job's config hash: a job of an older run of the experiment is refused. */
async function checkExperimentConfig(payload: JobPayload): Promise<void> {
  const paths = experimentPaths(payload.setup.config.resultsDir, payload.experiment);
  // The coordinator marks (or adopts) the folder before it queues a job: a worker writes only into a folder so marked.
  const owned = await ownershipOf(paths.root, 'experiment', payload.experiment).catch((err: Error) => ({ state: 'foreign', why: err.message }));
  if (owned.state !== 'ours') {
    throw new JobRefusedError(
      `refused iteration ${payload.iteration}: ${paths.root} is not an experiment folder of wfo-rl marked by its coordinator`,
    );
  }
  let recorded: string;
  try {
    recorded = runConfigSchema.parse(JSON.parse(await readFile(paths.config, 'utf8'))).configHash;
  } catch (err) {
    throw new JobRefusedError(`refused iteration ${payload.iteration}: cannot read the experiment's config (${(err as Error).message})`);
  }
  if (recorded !== payload.configHash) {
    throw new JobRefusedError(
      `refused iteration ${payload.iteration} of ${payload.experiment}: the job is of config hash ${payload.configHash.slice(0, 12)}... but ` +
        `${paths.config} records ${recorded.slice(0, 12)}...; the experiment was restarted with another configuration`,
    );
  }
}

async function runJob(payload: JobPayload, data: RunData, job: Job, signal: AbortSignal, onLog?: (r: LogRecord) => void): Promise<JobResult> {
  const { setup } = payload;
  const ops: IndexOp[] = [];
  const paths = experimentPaths(setup.config.resultsDir, payload.experiment);
  const index: IndexWriter = {
    root: paths.root,
    add: async (...entries: IndexEntry[]) => void ops.push({ op: 'add', entries }),
    remove: async (removed: string[]) => void ops.push({ op: 'remove', paths: removed }),
    removeUnder: async (prefix: string) => void ops.push({ op: 'removeUnder', prefix }),
  };
  const charts: ChartJob[] = [];
  const sink: ChartSink | null = setup.charts ? { write: async (chart) => void charts.push(chart) } : null;
  const logger = createRunLogger({ level: setup.logLevel, runId: setup.runId, experiment: payload.experiment, sink: onLog });
  const ctx = buildRunContext(data, setup, {
    index,
    logger,
    now: () => new Date(),
    onProgress: (state) => void job.updateProgress(state).catch(() => undefined),
    signal,
  });
  const window = ctx.windows.find((w) => w.iteration === payload.iteration);
  if (!window) throw new JobRefusedError(`iteration ${payload.iteration} is not in the plan of ${payload.experiment}`);
  const explicit = payload.resumeFrom ? await explicitResumePoint(payload.resumeFrom) : null;
  const resumeFrom =
    explicit && explicit.iteration === payload.iteration ? { file: explicit.file, iteration: explicit.iteration, state: explicit.state } : undefined;
  const warm = payload.warmStart ? await warmStartFrom(paths, payload.iteration) : null;
  const outcome = await runOneIteration({ ...ctx, resumeFrom }, window, warm, sink);
  return {
    iteration: payload.iteration,
    record: outcome.record,
    timings: outcome.timings,
    index: ops,
    charts,
    worker: `${hostname()}:${process.pid}`,
  };
}

/** The newest preserved model of an earlier iteration, as a one-machine run finds it (the coordinator queues in order). */
async function warmStartFrom(
  paths: ReturnType<typeof experimentPaths>,
  iteration: number,
): Promise<{ iteration: number; weights: Float32Array[] } | null> {
  for (let n = iteration - 1; n >= 1; n--) {
    const text = await readFile(paths.metrics(n), 'utf8').catch(() => null);
    if (text === null) continue;
    const record = iterationRecordSchema.parse(JSON.parse(text));
    if (record.kind !== 'model') continue;
    const loaded = await loadModelZip(paths.preservedModel(n));
    loaded.model.dispose();
    return { iteration: n, weights: loaded.weights };
  }
  return null;
}
