import type { KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { IterationFailedError, RedisUnavailableError } from '../errors/index.js';
import { throttled } from '../logging/throttle.js';
import { FORMAT_VERSION } from '../records/index.js';
import { iterationFailureSchema } from '../records/index.js';
import type { ChartJob, ChartSink } from '../report/chart-jobs.js';
import { writeJson } from '../store/json-file.js';
import type { RunContext } from '../walkforward/context/index.js';
import { LocalCharts, type IterationExecutor } from '../walkforward/executors/index.js';
import type { ProgressState } from '../walkforward/context/index.js';
import type { RunSetup } from '../walkforward/context/index.js';
import type { IterationOutcome } from '../walkforward/selection/index.js';
import { failure, pause, settlesWithin, WaitStopped, withDeadline } from './deadline.js';
import { iterationJobId, QUEUE_NAME, QUEUE_PREFIX, type JobPayload, type JobResult } from './jobs.js';
import { credentialsRefused, DEFAULT_REDIS_WAIT_SECONDS, redactSecret, redactUrl, redisCause, redisOptions } from './redis.js';
import { buildPayload, foreignJobProblem } from './queued-job.js';
import { checkResult, type QueuedJob } from './result-check.js';
import { sign } from './signing.js';
import { applyIndexOp } from '../store/index-store.js';

export interface QueueExecutorOptions {
  redisUrl: string;
  /** Tries per job before its iteration is recorded as failed (default 3). */
  attempts?: number;
  /** Milliseconds before the first retry; each next one waits twice as long (default 1000). */
  backoffMs?: number;
  /** How often the coordinator looks at the jobs it waits for (default 500 ms). */
  pollMs?: number;
  /** How long Redis may stay unreachable, at the start or mid-run, before the run fails (default 30 s; --redis-wait). */
  waitMs?: number;
  /** The secret shared with the workers (WFO_QUEUE_SECRET): jobs are signed with it and only results signed with it are adopted. */
  secret?: KeyObject | null;
  /** A repeated connection warning is logged at most once per this many ms (default 60 s). */
  warnEveryMs?: number;
}

/**
 * Iterations as BullMQ jobs, one per iteration, run by `wfo worker` processes on any machine that mounts the
 * results folder. This process stays the coordinator: it queues the jobs (in order, one at a time, when
 * training.warmStart chains them), relays their progress, checks each finished job's result against the job it
 * queued, applies its index changes and hands its outcome to the loop, and draws the plots. An iteration whose job
 * fails on its last attempt, or whose result is refused, leaves iterations/iter_N/failure.json; the other iterations
 * go on, and the run then fails naming it. Every Redis call waits at most `waitMs` and stops on the run's signal.
 */
export class QueueExecutor implements IterationExecutor {
  private ctx: RunContext | null = null;
  private setupData: RunSetup | null = null;
  private readonly local = new LocalCharts();
  private queue: Queue | null = null;
  private client: Redis | null = null;
  private lastCause = 'no answer';
  private readonly queued = new Map<string, QueuedJob>();
  private readonly progress = new Map<string, string>();
  private readonly fatal = failure();

  constructor(private readonly options: QueueExecutorOptions) {
    redisOptions(options.redisUrl);
  }

  get charts(): ChartSink | null {
    return this.local.sink;
  }

  describe(iterations: number): string {
    return `sending ${iterations} iterations to the queue on ${redactUrl(this.options.redisUrl)}; start \`wfo worker\` on the machines that run them`;
  }

  setup(ctx: RunContext, setup: RunSetup): void {
    this.ctx = ctx;
    this.setupData = setup;
    this.local.setup(ctx, setup);
  }

  async run(iterations: number[], handle: (outcome: IterationOutcome) => Promise<void>): Promise<void> {
    const ctx = this.ctx;
    if (!ctx || !this.setupData) throw new Error('the queue executor was not set up');
    if (!iterations.length) return;
    const queue = this.connect(ctx);
    const failures: string[] = [];
    const onOutcome = async (result: JobResult) => {
      for (const op of result.index) await applyIndexOp(ctx.store.index, op);
      // The loop queues the iteration's plots, drawn here from the record just checked.
      await handle({ record: result.record, timings: result.timings });
    };
    try {
      if (ctx.config.training.warmStart) {
        for (const n of iterations) {
          if (ctx.signal?.aborted) break;
          await this.waitFor(queue, [await this.enqueue(queue, n)], onOutcome, failures);
        }
      } else {
        const ids: string[] = [];
        for (const n of iterations) ids.push(await this.enqueue(queue, n));
        await this.waitFor(queue, ids, onOutcome, failures);
      }
    } catch (err) {
      // Stopped by the signal while Redis did not answer: the loop says which iteration is next.
      if (err instanceof WaitStopped) return;
      throw err;
    }
    if (failures.length) {
      throw new IterationFailedError(
        failures,
        `${failures.map((f) => `iteration ${f}`).join('; ')}. The record is in iterations/iter_N/failure.json; every other iteration is saved. ` +
          'Fix the cause and run the same command again: it retries only the failed iterations.',
      );
    }
  }

  drawCharts(jobs: ChartJob[]): void {
    this.local.queue(jobs);
  }

  chartsDrawn(): Promise<number> {
    return this.local.drawn();
  }

  /** Closes the connection; with Redis gone it does not wait for it. */
  async close(): Promise<void> {
    const { queue, client } = this;
    this.queue = null;
    this.client = null;
    if (queue) await settlesWithin(queue.close(), 2000);
    client?.disconnect();
  }

  private get waitMs(): number {
    return this.options.waitMs ?? DEFAULT_REDIS_WAIT_SECONDS * 1000;
  }

  private connect(ctx: RunContext): Queue {
    if (this.queue) return this.queue;
    const url = this.options.redisUrl;
    // Connecting at once (not lazily): BullMQ then waits through failed tries for the first answer instead of
    // failing its queue for good on the first refused connection.
    const client = new Redis(redisOptions(url));
    const warn = throttled((line) => ctx.logger.warn({ event: 'queue-connection' }, line), this.options.warnEveryMs ?? 60_000);
    let failing = false;
    client.on('error', (err: Error) => {
      this.lastCause = redisCause(err, url);
      const refused = credentialsRefused(err, url);
      if (refused) this.fatal.fail(refused);
      failing = true;
      warn(`queue connection: ${redactSecret(err.message, url)} (retrying; the run fails after ${this.waitMs / 1000} s without an answer)`);
    });
    client.on('ready', () => {
      if (failing) ctx.logger.info({ event: 'queue-connection' }, `queue connection to ${redactUrl(url)} restored`);
      failing = false;
    });
    const queue = new Queue(QUEUE_NAME, { connection: client, prefix: QUEUE_PREFIX });
    // The queue repeats the client's errors (said above) and, while it connects, "Connection is closed.".
    queue.on('error', () => undefined);
    this.client = client;
    this.queue = queue;
    return queue;
  }

  /** A Redis call that waits at most waitMs for an answer, stops waiting on the run's signal, and fails at once on refused credentials. */
  private redis<T>(work: Promise<T>): Promise<T> {
    const url = this.options.redisUrl;
    const bounded = withDeadline(
      work,
      this.waitMs,
      () =>
        new RedisUnavailableError(
          `Redis at ${redactUrl(url)} did not answer for ${this.waitMs / 1000} s (${this.lastCause}); start it or check --redis ` +
            `(--redis-wait sets how long to wait). Finished iterations are saved; run the same command again to continue`,
        ),
      this.ctx?.signal,
    );
    return Promise.race([bounded, this.fatal.failed]);
  }

  /** Queues iteration n, or finds the job this experiment queued for it before (a rerun); a finished job of an earlier try is replaced. */
  private async enqueue(queue: Queue, n: number): Promise<string> {
    const ctx = this.ctx as RunContext;
    const setup = this.setupData as RunSetup;
    const id = iterationJobId(ctx.store.paths.root, setup.configHash, n);
    const unsigned = buildPayload(ctx, setup, n);
    const existing = await this.redis(queue.getJob(id));
    if (existing) {
      const state = await this.redis(existing.getState());
      const problem = foreignJobProblem(existing.data, unsigned, this.options.secret ?? null);
      if (state !== 'completed' && state !== 'failed' && !problem) {
        ctx.logger.info({ event: 'job-reused', iteration: n, jobId: id, state }, `iteration ${n}: reusing job ${id}, already ${state}`);
        this.queued.set(id, { id, iteration: n, nonce: (existing.data as JobPayload).nonce });
        return id;
      }
      if (problem)
        ctx.logger.warn({ event: 'job-replaced', iteration: n, jobId: id }, `iteration ${n}: job ${id} in the queue ${problem}; replacing it`);
      const removed = await this.redis(
        existing.remove().then(
          () => true,
          () => false,
        ),
      );
      if (!removed) {
        // A worker holds it: its result will not carry this run's nonce, so it is refused and the iteration retried on a rerun.
        ctx.logger.warn({ event: 'job-held', iteration: n, jobId: id }, `iteration ${n}: job ${id} is held by a worker and cannot be replaced`);
      }
    }
    const payload = this.options.secret ? sign(unsigned, 'job', this.options.secret) : unsigned;
    this.queued.set(id, { id, iteration: n, nonce: payload.nonce });
    await this.redis(
      queue.add(`iteration-${n}`, payload, {
        jobId: id,
        attempts: this.options.attempts ?? 3,
        backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1000 },
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      }),
    );
    return id;
  }

  /** Waits until every job has finished, handling each as it does; stops waiting when the run is told to stop. */
  private async waitFor(queue: Queue, ids: string[], onOutcome: (r: JobResult) => Promise<void>, failures: string[]): Promise<void> {
    const ctx = this.ctx as RunContext;
    const pending = new Set(ids);
    while (pending.size && !ctx.signal?.aborted) {
      for (const id of [...pending]) {
        const queued = this.queued.get(id) as QueuedJob;
        const job = await this.redis(queue.getJob(id));
        if (!job) {
          pending.delete(id);
          failures.push(`${queued.iteration}: job ${id} vanished from the queue`);
          continue;
        }
        const state = await this.redis(job.getState());
        if (state === 'completed') {
          pending.delete(id);
          // The job was read before its state: when it completed in between, that copy has no return value yet.
          const completed = job.returnvalue === null || job.returnvalue === undefined ? ((await this.redis(queue.getJob(id))) ?? job) : job;
          const checked = await checkResult(completed.returnvalue, queued, this.expectations());
          // A job already removed (by its age limit or another coordinator) needs no removing.
          await this.redis(job.remove().catch(() => undefined));
          if (typeof checked === 'string') failures.push(await this.recordFailure(queued, completed, `result refused: ${checked}`));
          else await onOutcome(checked);
        } else if (state === 'failed') {
          pending.delete(id);
          failures.push(await this.recordFailure(queued, job, job.failedReason || 'unknown error'));
        } else this.relayProgress(id, job.progress);
      }
      if (pending.size) await pause(this.options.pollMs ?? 500, ctx.signal);
    }
  }

  private expectations() {
    const ctx = this.ctx as RunContext;
    const setup = this.setupData as RunSetup;
    return {
      experiment: setup.experiment,
      configHash: setup.configHash,
      dataSha256: setup.metadata.dataSha256,
      paths: ctx.store.paths,
      secret: this.options.secret ?? null,
    };
  }

  private relayProgress(id: string, progress: unknown): void {
    if (!progress || typeof progress !== 'object') return;
    const text = JSON.stringify(progress);
    if (this.progress.get(id) === text) return;
    this.progress.set(id, text);
    this.ctx?.onProgress?.(progress as ProgressState);
  }

  private async recordFailure(queued: QueuedJob, job: Job, error: string): Promise<string> {
    const ctx = this.ctx as RunContext;
    const n = queued.iteration;
    const file = ctx.store.paths.failure(n);
    await mkdir(dirname(file), { recursive: true });
    await writeJson(file, iterationFailureSchema, {
      formatVersion: FORMAT_VERSION,
      experiment: ctx.experiment,
      iteration: n,
      jobId: queued.id,
      attempts: job.attemptsMade,
      error,
      failedAt: ctx.store.now().toISOString(),
    });
    ctx.logger.error(
      { event: 'iteration-failed', iteration: n, jobId: queued.id, attempts: job.attemptsMade, error },
      `iteration ${n} failed: ${error}`,
    );
    return `${n} failed after ${job.attemptsMade} attempts: ${error}`;
  }
}
