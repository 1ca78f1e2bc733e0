import { fromWire, toWire } from '../../errors/index.js';
import type { ChartJob, ChartSink } from '../../report/chart-jobs.js';
import type { RunContext } from '../context/index.js';
import { type IterationExecutor } from './executor.js';
import type { RunSetup } from '../context/index.js';
import type { IterationOutcome } from '../selection/index.js';
import type { FromWorker, ToWorker, WorkerData } from './worker-messages.js';
import { applyIndexOp } from '../../store/index-store.js';
import { relayRecord } from '../../logging/logger.js';
import { Conditions } from './conditions.js';
import { logStops, spawnLanes, TaskQueue, type Lane, type Task } from './tasks.js';

/**
 * Worker threads that run independent iterations and draw plots. Workers start loading the data as soon as the
 * pool is spawned, while the main thread takes the lock and prepares the run. The main thread stays the one writer
 * of the index (workers ask for every change and wait for it) and handles each finished iteration in turn.
 * Training workers hand their plots over instead of drawing them; the queue (tasks.ts) says who draws what when.
 */
export class WorkerPool implements IterationExecutor {
  private readonly lanes: Lane[];
  private readonly queue = new TaskQueue();
  private ctx: RunContext | null = null;
  private onOutcome: (outcome: IterationOutcome) => Promise<void> = async () => undefined;
  /** Finished iterations are handled one at a time, in the order they finish, without holding up the workers. */
  private outcomes: Promise<void> = Promise.resolve();
  private handling = 0;
  private firstError: Error | null = null;
  private closing = false;
  private closed = false;
  private readonly conditions = new Conditions({
    error: () => this.firstError,
    busy: () => this.lanes.some((l) => l.task) || this.handling > 0,
  });
  private chartSink: ChartSink | null = null;

  constructor(size: number, data: WorkerData) {
    this.lanes = spawnLanes(size, data);
    for (const lane of this.lanes) {
      lane.worker.on('message', (m: FromWorker) => void this.receive(lane, m));
      lane.worker.on('error', (err) => this.fail(lane, err));
      lane.worker.on('exit', (code) => {
        if (!this.closed) this.fail(lane, new Error(`a worker thread stopped unexpectedly (exit code ${code})`));
      });
    }
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

  /**
   * Runs the iterations and hands each outcome to onOutcome. Resolves once every iteration handed out has finished
   * and been handled; on a signal no new iteration starts and every running one saves its state. The first error
   * of any worker or of onOutcome rejects, after every worker has stopped what it was doing.
   */
  async run(iterations: number[], onOutcome: (outcome: IterationOutcome) => Promise<void>): Promise<void> {
    const signal = this.ctx?.signal;
    const onAbort = () => this.lanes.forEach((lane) => this.send(lane, { type: 'abort', reason: String(signal?.reason ?? 'SIGINT') }));
    signal?.addEventListener('abort', onAbort);
    this.onOutcome = onOutcome;
    this.queue.iterations.push(...iterations);
    this.dispatch();
    try {
      await this.conditions.until(
        () =>
          (this.queue.iterations.length === 0 || !!signal?.aborted) && !this.lanes.some((l) => l.task?.kind === 'iteration') && this.handling === 0,
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Queues plots, less those already queued or being drawn; a render failure is a warning, a failed write stops the run. */
  drawCharts(jobs: ChartJob[]): void {
    this.queue.addCharts(jobs, this.lanes);
    this.dispatch();
  }

  /** Resolves when every queued plot is drawn, or, once the run is told to stop, with the number left undrawn. */
  async chartsDrawn(): Promise<number> {
    await this.conditions.until(
      () => (this.queue.charts.length === 0 || !!this.ctx?.signal?.aborted) && !this.lanes.some((l) => l.task?.kind === 'chart'),
    );
    return this.queue.charts.length;
  }

  /** Lets plots being drawn finish (a plot takes a fraction of a second), then stops the workers. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // A failed task has already been reported to the run; closing only waits for the lanes to empty.
    await this.conditions.until(() => !this.lanes.some((l) => l.task)).catch(() => undefined);
    this.closed = true;
    if (this.ctx) logStops(this.lanes, this.ctx.logger);
    await Promise.all(this.lanes.map(async (lane) => lane.loaded.then(() => lane.worker.terminate())));
  }

  private nextTask(): Task | undefined {
    const stopping = this.closing || !!this.firstError || !!this.ctx?.signal?.aborted;
    return stopping ? undefined : this.queue.next(this.lanes.length);
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
    this.conditions.check();
  }

  private async receive(lane: Lane, m: FromWorker): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return;
    switch (m.type) {
      case 'index':
        try {
          await applyIndexOp(ctx.store.index, m);
          this.send(lane, { type: 'ack', id: m.id });
        } catch (err) {
          this.send(lane, { type: 'ack', id: m.id, error: toWire(err) });
        }
        return;
      case 'log':
        relayRecord(ctx.logger, m.record);
        return;
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
            this.conditions.check();
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
    this.conditions.check();
  }

  private send(lane: Lane, message: ToWorker): void {
    if (!this.closed) lane.worker.postMessage(message);
  }
}
