import type { ChartJob, ChartSink } from '../../report/chart-jobs.js';
import { ChartWriter } from '../../report/charts-writer.js';
import type { RunContext } from '../context/index.js';
import type { RunSetup } from '../context/index.js';
import type { IterationOutcome } from '../selection/index.js';

/** Runs one iteration in the calling thread (the loop builds it; an executor that runs elsewhere ignores it). */
export type RunHere = (iteration: number) => Promise<IterationOutcome>;

/**
 * Where iterations run, separate from what they do (Ray's "what vs where"). The loop hands every iteration to
 * `run` and each outcome comes back to `handle`, one at a time, on the calling thread, which stays the one writer
 * of the index, summaries and report. On an aborted signal no new iteration starts and the running ones save
 * their state; `run` then resolves and the caller says which iteration is next. The first error rejects, after
 * the work in flight has stopped, with its class, message and exit code intact.
 */
export interface IterationExecutor {
  /** Where an iteration running on this thread sends its plots (null: the run draws none). */
  readonly charts: ChartSink | null;
  /** A line for the log about where iterations run, or null when there is nothing to say. */
  describe(iterations: number): string | null;
  setup(ctx: RunContext, setup: RunSetup): void;
  run(iterations: number[], handle: (outcome: IterationOutcome) => Promise<void>, runHere: RunHere): Promise<void>;
  /** Queues plots; they are drawn by the time chartsDrawn resolves (sooner on workers). */
  drawCharts(jobs: ChartJob[]): void;
  /** Draws or waits for every queued plot; on an aborted signal stops early and says how many are left. */
  chartsDrawn(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Plots drawn on the calling thread: queued as they come and drawn when chartsDrawn() is awaited, so that they never
 * hold up training; an aborted signal stops the drawing and leaves the rest for the rerun.
 */
export class LocalCharts {
  private writer: ChartWriter | null = null;
  private queued: ChartJob[] = [];
  private signal: AbortSignal | undefined;

  get sink(): ChartSink | null {
    return this.writer;
  }

  setup(ctx: RunContext, setup: RunSetup): void {
    this.signal = ctx.signal;
    this.writer = setup.charts ? new ChartWriter(ctx.store.paths.visualizations, ctx.logger) : null;
  }

  queue(jobs: ChartJob[]): void {
    if (this.writer) this.queued.push(...jobs);
  }

  async drawn(): Promise<number> {
    while (this.queued.length) {
      if (this.signal?.aborted) return this.queued.length;
      await this.writer?.write(this.queued.shift() as ChartJob);
    }
    return 0;
  }
}

/** Every iteration in order, in this thread. */
export class InlineExecutor implements IterationExecutor {
  private readonly local = new LocalCharts();
  private ctx: RunContext | null = null;

  get charts(): ChartSink | null {
    return this.local.sink;
  }

  describe(): string | null {
    return null;
  }

  setup(ctx: RunContext, setup: RunSetup): void {
    this.ctx = ctx;
    this.local.setup(ctx, setup);
  }

  async run(iterations: number[], handle: (outcome: IterationOutcome) => Promise<void>, runHere: RunHere): Promise<void> {
    for (const n of iterations) {
      if (this.ctx?.signal?.aborted) return;
      await handle(await runHere(n));
    }
  }

  drawCharts(jobs: ChartJob[]): void {
    this.local.queue(jobs);
  }

  chartsDrawn(): Promise<number> {
    return this.local.drawn();
  }

  async close(): Promise<void> {}
}
