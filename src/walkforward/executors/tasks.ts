import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logging/logger.js';
import type { ChartJob } from '../../report/chart-jobs.js';
import type { FromWorker, WorkerData } from './worker-messages.js';

export type Task = { kind: 'iteration'; iteration: number } | { kind: 'chart'; job: ChartJob };

/** One worker thread of the pool and what it is doing. */
export interface Lane {
  worker: Worker;
  task: Task | null;
  /** When the current task was handed out, and milliseconds spent on each kind of task. */
  since: number;
  busy: { iteration: number; chart: number };
  /** Settles once the worker has loaded the data, or has stopped: terminated inside DuckDB's native load, it would abort the process. */
  loaded: Promise<void>;
}

/**
 * The work waiting for a free worker: iterations, and plots to draw. A free worker takes a plot before a new
 * iteration, so pictures appear as the run goes, except when no more iterations are waiting than there are workers:
 * then the last iterations start at once and the plots fill the time in which the other workers would be idle.
 */
export class TaskQueue {
  readonly iterations: number[] = [];
  readonly charts: ChartJob[] = [];

  /** Queues plots, less those already queued or being drawn. */
  addCharts(jobs: ChartJob[], lanes: readonly Lane[]): void {
    const pending = new Set([...this.charts.map((j) => j.file), ...lanes.flatMap((l) => (l.task?.kind === 'chart' ? [l.task.job.file] : []))]);
    this.charts.push(...jobs.filter((job) => !pending.has(job.file)));
  }

  next(workers: number): Task | undefined {
    const lastRound = this.iterations.length <= workers;
    if (this.charts.length && !(lastRound && this.iterations.length)) return { kind: 'chart', job: this.charts.shift() as ChartJob };
    const iteration = this.iterations.shift();
    return iteration === undefined ? undefined : { kind: 'iteration', iteration };
  }
}

/** Starts `size` worker threads on the iteration worker, each given the run's data. */
export function spawnLanes(size: number, data: WorkerData): Lane[] {
  const entry = workerEntry();
  return Array.from({ length: size }, () => {
    const worker = new Worker(entry.url, { workerData: data, execArgv: entry.execArgv });
    const loaded = new Promise<void>((resolve) => {
      const onMessage = (m: FromWorker) => {
        if (m.type !== 'loaded') return;
        worker.off('message', onMessage);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('exit', () => resolve());
    });
    return { worker, task: null, since: 0, busy: { iteration: 0, chart: 0 }, loaded };
  });
}

/** The run.log line of each worker as the pool stops: how long it was busy with iterations and plots. */
export function logStops(lanes: readonly Lane[], logger: Logger): void {
  lanes.forEach((lane, worker) => {
    const busy = { iterationSeconds: lane.busy.iteration / 1000, chartSeconds: lane.busy.chart / 1000 };
    logger.debug(
      { event: 'worker-stop', worker, threadId: lane.worker.threadId, ...busy },
      `worker ${worker} stops; busy ${(busy.iterationSeconds + busy.chartSeconds).toFixed(1)}s`,
    );
  });
}

/** The worker's file: compiled JavaScript once built; from TypeScript source, a bootstrap that registers tsx. */
function workerEntry(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './iteration-worker-source.mjs' : './iteration-worker.js', import.meta.url);
  return { url, execArgv: fromSource ? [] : process.execArgv };
}
