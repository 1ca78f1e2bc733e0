import { Worker } from 'node:worker_threads';
import type { PipelineConfig } from '../../config/schema.js';
import { fromWire, toWire } from '../../errors/wire.js';
import type { ChartJob, ChartSink } from '../../report/chart-jobs.js';
import type { RunContext } from '../context/index.js';
import { InlineExecutor, type IterationExecutor } from './executor.js';
import type { RunSetup } from '../context/index.js';
import type { IterationOutcome } from '../selection/index.js';
import type { FromWorker, ToWorker, WorkerData } from './worker-messages.js';
import { resolveWorkers, type WorkerCount } from './run-options.js';
import { kernelModule } from '../../agent/kernel/mlp-kernel.js';

const levelNames: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

type Task = { kind: 'iteration'; iteration: number } | { kind: 'chart'; job: ChartJob };

interface Lane {
  worker: Worker;
  task: Task | null;
  /** When the current task was handed out, and milliseconds spent on each kind of task. */
  since: number;
  busy: { iteration: number; chart: number };
}

/**
 * Worker threads that run independent iterations and draw plots. Workers start loading the data as soon as the
 * pool is spawned, while the main thread takes the lock and prepares the run. The main thread stays the one writer
 * of the index (workers ask for every change and wait for it) and handles each finished iteration in turn.
 *
 * Training workers hand their plots over instead of drawing them. A free worker takes a plot before a new
 * iteration, so pictures appear as the run goes, except when no more iterations are waiting than there are workers:
 * then the last iterations start at once and the plots fill the time in which the other workers would be idle.
 */
export class WorkerPool implements IterationExecutor {
  private readonly lanes: Lane[];
  private readonly iterations: number[] = [];
  private readonly chartQueue: ChartJob[] = [];
  private ctx: RunContext | null = null;
  private onOutcome: (outcome: IterationOutcome) => Promise<void> = async () => undefined;
  /** Finished iterations are handled one at a time, in the order they finish, without holding up the workers. */
  private outcomes: Promise<void> = Promise.resolve();
  private handling = 0;
  private firstError: Error | null = null;
  private closing = false;
  private closed = false;
  private waiters: Array<{ until: () => boolean; resolve: () => void; reject: (e: Error) => void }> = [];
  private chartSink: ChartSink | null = null;

  private constructor(size: number, data: WorkerData) {
    const entry = workerEntry();
    this.lanes = Array.from({ length: size }, () => ({
      worker: new Worker(entry.url, { workerData: data, execArgv: entry.execArgv }),
      task: null,
      since: 0,
      busy: { iteration: 0, chart: 0 },
    }));
    for (const lane of this.lanes) {
      lane.worker.on('message', (m: FromWorker) => void this.receive(lane, m));
      lane.worker.on('error', (err) => this.fail(lane, err));
      lane.worker.on('exit', (code) => {
        if (!this.closed) this.fail(lane, new Error(`a worker thread stopped unexpectedly (exit code ${code})`));
      });
    }
  }

  static spawn(size: number, data: WorkerData): WorkerPool {
    return new WorkerPool(size, data);
  }

  get size(): number {
    return this.lanes.length;
  }

  /** Plots of this thread go to the queue like the workers' own. */
  get charts(): ChartSink | null {
    return this.chartSink;
  }

  describe(iterations: number): string {
    return `running ${iterations} iterations on ${this.size} worker threads`;
  }

  /** Gives the workers the run context; nothing runs before this. */
  setup(ctx: RunContext, setup: RunSetup): void {
    this.ctx = ctx;
    this.chartSink = setup.charts ? { write: async (job) => this.drawCharts([job]) } : null;
    for (const lane of this.lanes) this.send(lane, { type: 'setup', setup });
    this.lanes.forEach((lane, worker) =>
      ctx.logger.debug({ event: 'worker-start', worker, threadId: lane.worker.threadId }, `worker ${worker} (thread ${lane.worker.threadId}) set up`),
    );
  }

  run(iterations: number[], handle: (outcome: IterationOutcome) => Promise<void>): Promise<void> {
    return this.runIterations(iterations, handle);
  }

  /**
   * Runs the iterations and hands each outcome to onOutcome. Resolves once every iteration handed out has finished
   * and been handled; on a signal no new iteration starts and every running one saves its state. The first error
   * of any worker or of onOutcome rejects, after every worker has stopped what it was doing.
   */
  async runIterations(iterations: number[], onOutcome: (outcome: IterationOutcome) => Promise<void>): Promise<void> {
    const signal = this.ctx?.signal;
    const onAbort = () => this.lanes.forEach((lane) => this.send(lane, { type: 'abort', reason: String(signal?.reason ?? 'SIGINT') }));
    signal?.addEventListener('abort', onAbort);
    this.onOutcome = onOutcome;
    this.iterations.push(...iterations);
    this.dispatch();
    try {
      await this.until(
        () => (this.iterations.length === 0 || !!signal?.aborted) && !this.lanes.some((l) => l.task?.kind === 'iteration') && this.handling === 0,
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Queues plots, less those already queued or being drawn; a render failure is a warning, a failed write stops the run. */
  drawCharts(jobs: ChartJob[]): void {
    const pending = new Set([
      ...this.chartQueue.map((j) => j.file),
      ...this.lanes.flatMap((l) => (l.task?.kind === 'chart' ? [l.task.job.file] : [])),
    ]);
    this.chartQueue.push(...jobs.filter((job) => !pending.has(job.file)));
    this.dispatch();
  }

  /** Resolves when every queued plot is drawn, or, once the run is told to stop, with the number left undrawn. */
  async chartsDrawn(): Promise<number> {
    await this.until(() => (this.chartQueue.length === 0 || !!this.ctx?.signal?.aborted) && !this.lanes.some((l) => l.task?.kind === 'chart'));
    return this.chartQueue.length;
  }

  /** Lets plots being drawn finish (a plot takes a fraction of a second), then stops the workers. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.until(() => !this.lanes.some((l) => l.task)).catch(() => undefined);
    this.closed = true;
    this.lanes.forEach((lane, worker) => {
      const busy = { iterationSeconds: lane.busy.iteration / 1000, chartSeconds: lane.busy.chart / 1000 };
      this.ctx?.logger.debug(
        { event: 'worker-stop', worker, threadId: lane.worker.threadId, ...busy },
        `worker ${worker} stops; busy ${(busy.iterationSeconds + busy.chartSeconds).toFixed(1)}s`,
      );
    });
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
  }

  private nextTask(): Task | undefined {
    const stopping = this.closing || !!this.firstError || !!this.ctx?.signal?.aborted;
    if (stopping) return undefined;
    const lastRound = this.iterations.length <= this.lanes.length;
    if (this.chartQueue.length && !(lastRound && this.iterations.length)) return { kind: 'chart', job: this.chartQueue.shift() as ChartJob };
    const iteration = this.iterations.shift();
    return iteration === undefined ? undefined : { kind: 'iteration', iteration };
  }

  private dispatch(): void {
    if (!this.ctx) return;
    for (const lane of this.lanes) {
      if (lane.task) continue;
      const task = this.nextTask();
      if (!task) break;
      lane.task = task;
      lane.since = performance.now();
      if (task.kind === 'chart') this.send(lane, { type: 'chart', job: task.job });
      else
        this.send(lane, {
          type: 'run',
          iteration: task.iteration,
          resumeFrom: this.ctx.resumeFrom?.iteration === task.iteration ? this.ctx.resumeFrom.file : null,
        });
    }
    this.settle();
  }

  private async receive(lane: Lane, m: FromWorker): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    switch (m.type) {
      case 'index':
        try {
          if (m.op === 'add') await ctx.store.index.add(...m.entries);
          else if (m.op === 'remove') await ctx.store.index.remove(m.paths);
          else await ctx.store.index.removeUnder(m.prefix);
          this.send(lane, { type: 'ack', id: m.id });
        } catch (err) {
          this.send(lane, { type: 'ack', id: m.id, error: toWire(err) });
        }
        return;
      case 'log': {
        const { level, msg, time: _time, runId: _run, experiment: _exp, ...fields } = m.record;
        ctx.logger[levelNames[level] ?? 'info'](fields, msg);
        return;
      }
      case 'progress':
        ctx.onProgress?.(m.state);
        return;
      case 'done':
        this.handling++;
        this.outcomes = this.outcomes
          .then(() => this.onOutcome(m.outcome))
          .catch((err: Error) => this.fail(null, err))
          .finally(() => {
            this.handling--;
            this.settle();
          });
        lane.busy.iteration += performance.now() - lane.since;
        lane.task = null;
        this.dispatch();
        return;
      case 'chart-request':
        this.drawCharts([m.job]);
        return;
      case 'chart-done':
        lane.busy.chart += performance.now() - lane.since;
        lane.task = null;
        this.dispatch();
        return;
      case 'error':
        this.fail(lane, fromWire(m.error));
        return;
    }
  }

  /** Records the first error, stops every worker's work, and frees the lane that failed. */
  private fail(lane: Lane | null, error: Error): void {
    if (!this.firstError) {
      this.firstError = error;
      for (const l of this.lanes) this.send(l, { type: 'abort', reason: 'error' });
    }
    if (lane) lane.task = null;
    this.settle();
  }

  private until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ until: done, resolve, reject });
      this.settle();
    });
  }

  private settle(): void {
    const busy = this.lanes.some((l) => l.task) || this.handling > 0;
    this.waiters = this.waiters.filter((w) => {
      if (this.firstError) {
        if (busy) return true;
        w.reject(this.firstError);
        return false;
      }
      if (!w.until()) return true;
      w.resolve();
      return false;
    });
  }

  private send(lane: Lane, message: ToWorker): void {
    if (!this.closed) lane.worker.postMessage(message);
  }
}

export interface ExecutorChoice {
  executor: IterationExecutor;
  /** Why fewer workers run than were asked for, when that is worth a warning. */
  warning: string | null;
  /** The worker threads the run uses (1: the calling thread). */
  workers: number;
}

/**
 * Worker threads for a run when more than one is asked for (or 'auto' finds more than one core) and the iterations
 * are independent (a warm start chains them); the calling thread otherwise. Start them as early as possible: they
 * load the code and data while the caller loads its own and takes the experiment's lock.
 */
export function startExecutor(config: PipelineConfig, experiment: string, requested: WorkerCount, iterations: number): ExecutorChoice {
  if (requested !== 'auto' && requested > 1 && config.training.warmStart) {
    return {
      executor: new InlineExecutor(),
      warning: 'training.warmStart makes each iteration start from the previous one, so iterations run one at a time',
      workers: 1,
    };
  }
  const workers = Math.min(resolveWorkers(requested, iterations, config.training.warmStart), Math.max(1, iterations));
  if (workers <= 1) return { executor: new InlineExecutor(), warning: null, workers: 1 };
  return { executor: WorkerPool.spawn(workers, { experiment, config, kernel: kernelModule() }), warning: null, workers };
}

/** The worker's file: compiled JavaScript once built; from TypeScript source, a bootstrap that registers tsx. */
function workerEntry(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './iteration-worker-source.mjs' : './iteration-worker.js', import.meta.url);
  return { url, execArgv: fromSource ? [] : process.execArgv };
}
