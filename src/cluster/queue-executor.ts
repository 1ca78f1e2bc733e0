import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { IterationFailedError } from '../errors/index.js';
import { FORMAT_VERSION } from '../records/schemas.js';
import { iterationFailureSchema } from '../records/study.js';
import type { ChartJob, ChartSink } from '../report/chart-jobs.js';
import { writeJson } from '../store/json-file.js';
import type { RunContext } from '../walkforward/context.js';
import { LocalCharts, type IterationExecutor } from '../walkforward/executor.js';
import type { ProgressState } from '../walkforward/progress.js';
import type { RunSetup } from '../walkforward/run-context.js';
import type { IterationOutcome } from '../walkforward/run-iteration.js';
import { iterationJobId, jobResultSchema, JOB_FORMAT_VERSION, QUEUE_NAME, QUEUE_PREFIX, type JobPayload, type JobResult } from './jobs.js';
import { redactSecret, redactUrl, redisClient, redisOptions } from './redis.js';
import { productVersion } from './version.js';

export interface QueueExecutorOptions {
  redisUrl: string;
  /** Tries per job before its iteration is recorded as failed (default 3). */
  attempts?: number;
  /** Milliseconds before the first retry; each next one waits twice as long (default 1000). */
  backoffMs?: number;
  /** How often the coordinator looks at the jobs it waits for, besides reacting to queue events (default 500 ms). */
  pollMs?: number;
}

/**
 * Iterations as BullMQ jobs, one per iteration, run by `wfo worker` processes on any machine that mounts the
 * results folder. This process stays the coordinator: it queues the jobs (in order, one at a time, when
 * training.warmStart chains them), relays their progress, applies each finished job's index changes and hands its
 * outcome to the loop, and draws the plots. An iteration whose job fails on its last attempt leaves
 * iterations/iter_N/failure.json; the other iterations go on, and the run then fails naming it.
 */
export class QueueExecutor implements IterationExecutor {
  private ctx: RunContext | null = null;
  private setupData: RunSetup | null = null;
  private readonly local = new LocalCharts();
  private queue: Queue | null = null;
  private events: QueueEvents | null = null;
  private wake: (() => void) | null = null;
  private clients: Redis[] = [];

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
    const { queue } = this.connect(ctx);
    const failures: string[] = [];
    const onOutcome = async (result: JobResult) => {
      for (const op of result.index) {
        if (op.op === 'add') await ctx.store.index.add(...op.entries);
        else if (op.op === 'remove') await ctx.store.index.remove(op.paths);
        else await ctx.store.index.removeUnder(op.prefix);
      }
      this.drawCharts(result.charts);
      await handle({ record: result.record, timings: result.timings });
    };
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

  async close(): Promise<void> {
    const { queue, events } = this;
    this.queue = null;
    this.events = null;
    await events?.close().catch(() => undefined);
    await queue?.close().catch(() => undefined);
    for (const client of this.clients.splice(0)) client.disconnect();
  }

  private connect(ctx: RunContext): { queue: Queue } {
    if (this.queue) return { queue: this.queue };
    const url = this.options.redisUrl;
    this.clients = [redisClient(url), redisClient(url)];
    const queue = new Queue(QUEUE_NAME, { connection: this.clients[0], prefix: QUEUE_PREFIX });
    const events = new QueueEvents(QUEUE_NAME, { connection: this.clients[1], prefix: QUEUE_PREFIX });
    const warn = (err: Error) => ctx.logger.warn({ event: 'queue-connection' }, `queue connection: ${redactSecret(err.message, url)} (retrying)`);
    queue.on('error', warn);
    events.on('error', warn);
    events.on('progress', ({ jobId, data }) => {
      if (this.mine.has(jobId) && data && typeof data === 'object') ctx.onProgress?.(data as ProgressState);
    });
    for (const name of ['completed', 'failed', 'stalled', 'waiting'] as const) events.on(name, () => this.wake?.());
    this.queue = queue;
    this.events = events;
    return { queue };
  }

  private readonly mine = new Set<string>();

  /** Queues iteration n, or finds the job queued for it before (a rerun); a finished job of an earlier try is replaced. */
  private async enqueue(queue: Queue, n: number): Promise<string> {
    const ctx = this.ctx as RunContext;
    const setup = this.setupData as RunSetup;
    const id = iterationJobId(ctx.store.paths.root, setup.configHash, n);
    this.mine.add(id);
    const existing = await queue.getJob(id);
    if (existing) {
      const state = await existing.getState();
      if (state === 'completed' || state === 'failed') await existing.remove();
      else {
        ctx.logger.info({ event: 'job-reused', iteration: n, jobId: id, state }, `iteration ${n}: reusing job ${id}, already ${state}`);
        return id;
      }
    }
    const config = {
      ...setup.config,
      resultsDir: resolve(setup.config.resultsDir),
      data: { ...setup.config.data, path: resolve(setup.config.data.path) },
    };
    const payload: JobPayload = {
      formatVersion: JOB_FORMAT_VERSION,
      productVersion: productVersion(),
      experiment: setup.experiment,
      configHash: setup.configHash,
      iteration: n,
      warmStart: config.training.warmStart,
      resumeFrom: ctx.resumeFrom?.iteration === n ? resolve(ctx.resumeFrom.file) : null,
      setup: { ...setup, config },
    };
    await queue.add(`iteration-${n}`, payload, {
      jobId: id,
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
    return id;
  }

  /** Waits until every job has finished, handling each as it does; stops waiting when the run is told to stop. */
  private async waitFor(queue: Queue, ids: string[], onOutcome: (r: JobResult) => Promise<void>, failures: string[]): Promise<void> {
    const ctx = this.ctx as RunContext;
    const pending = new Set(ids);
    while (pending.size && !ctx.signal?.aborted) {
      for (const id of [...pending]) {
        const job = await queue.getJob(id);
        if (!job) {
          pending.delete(id);
          failures.push(`job ${id} vanished from the queue`);
          continue;
        }
        const state = await job.getState();
        if (state === 'completed') {
          pending.delete(id);
          // The job was read before its state: when it completed in between, that copy has no return value yet.
          const completed = job.returnvalue === null || job.returnvalue === undefined ? ((await queue.getJob(id)) ?? job) : job;
          await onOutcome(parseResult(completed));
          await job.remove().catch(() => undefined);
        } else if (state === 'failed') {
          pending.delete(id);
          failures.push(await this.recordFailure(job));
        }
      }
      if (pending.size) await this.pause();
    }
  }

  private pause(): Promise<void> {
    const signal = this.ctx?.signal;
    return new Promise((resolveWait) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = null;
        resolveWait();
      };
      const timer = setTimeout(done, this.options.pollMs ?? 500);
      this.wake = done;
      signal?.addEventListener('abort', done);
    });
  }

  private async recordFailure(job: Job): Promise<string> {
    const ctx = this.ctx as RunContext;
    const n = (job.data as JobPayload).iteration;
    const error = job.failedReason || 'unknown error';
    const file = ctx.store.paths.failure(n);
    await mkdir(dirname(file), { recursive: true });
    await writeJson(file, iterationFailureSchema, {
      formatVersion: FORMAT_VERSION,
      experiment: ctx.experiment,
      iteration: n,
      jobId: String(job.id),
      attempts: job.attemptsMade,
      error,
      failedAt: ctx.store.now().toISOString(),
    });
    ctx.logger.error(
      { event: 'iteration-failed', iteration: n, jobId: job.id, attempts: job.attemptsMade, error },
      `iteration ${n} failed: ${error}`,
    );
    return `${n} failed after ${job.attemptsMade} attempts: ${error}`;
  }
}

function parseResult(job: Job): JobResult {
  const value = typeof job.returnvalue === 'string' ? JSON.parse(job.returnvalue) : job.returnvalue;
  const parsed = jobResultSchema.safeParse(value);
  if (!parsed.success) throw new Error(`job ${job.id} returned a result that does not validate: ${parsed.error.issues[0]?.message}`);
  return parsed.data as unknown as JobResult;
}
