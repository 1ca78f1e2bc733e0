import { loadModelZip } from '../store/model-zip.js';
import { InterruptedError } from '../store/errors.js';
import { iterationChartJobs, missingCharts } from '../report/chart-jobs.js';
import type { ChartWriter } from '../report/charts-writer.js';
import { deleteFolder } from '../retention/cleanup.js';
import type { IterationRecord } from '../records/schemas.js';
import { updateBestModel } from './best-model.js';
import type { RunContext } from './context.js';
import type { ExperimentPaths } from './paths.js';
import type { ProgressState } from './progress.js';
import { runOneIteration, type IterationOutcome } from './run-iteration.js';
import type { WorkerPool } from './worker-pool.js';

export interface IterationsOptions {
  /** Worker threads, already set up, when the iterations may run in parallel. */
  pool: WorkerPool | null;
  beforeIterationCleanup?: (iteration: number, paths: ExperimentPaths) => Promise<void> | void;
}

export interface IterationsResult {
  records: IterationRecord[];
  timings: Map<number, { training: number; evaluation: number; preservation: number }>;
}

/**
 * Runs every iteration not finished yet: in order in this thread, or on worker threads when asked and the
 * iterations are independent (no warm start). After each: the best model is updated, the hook runs, and only
 * then is the iteration's temporary folder removed. Plots a stopped run did not draw are drawn first.
 */
export async function runIterations(ctx: RunContext, finished: Map<number, IterationRecord>, charts: ChartWriter | null, options: IterationsOptions): Promise<IterationsResult> {
  const { config, logger, paths } = ctx;
  const done = new Map<number, IterationRecord>();
  const records = () => [...done.values()].sort((a, b) => a.iteration - b.iteration);
  const timings: IterationsResult['timings'] = new Map();
  const { pool } = options;
  const plots = (record: IterationRecord) => iterationChartJobs(record, config.training.timesteps, ctx.plan.imageEvery);
  for (const [n, record] of finished) {
    done.set(n, record);
    timings.set(n, { training: record.training.seconds, evaluation: 0, preservation: 0 });
    await clearIterationFolder(ctx, n);
    const missing = charts ? missingCharts(paths.visualizations, plots(record)) : [];
    if (pool) pool.drawCharts(missing);
    else await charts?.writeAll(missing);
  }
  const finishOne = async ({ record, timings: t }: IterationOutcome) => {
    const n = record.iteration;
    done.set(n, record);
    timings.set(n, t);
    await updateBestModel(ctx, records());
    await options.beforeIterationCleanup?.(n, paths);
    await clearIterationFolder(ctx, n);
    logger.info({ event: 'iteration-done', iteration: n, status: record.kind, score: record.selection.score, seconds: record.training.seconds, ...record.training.performance }, iterationLine(record));
    ctx.onProgress?.(iterationDone(record, ctx.windows.length, ctx.plan.totalSteps, done.size));
    // The worker asked for its plots as it went; any that did not make it (a run stopped and resumed) are drawn now.
    if (pool && charts) pool.drawCharts(missingCharts(paths.visualizations, plots(record)));
  };
  const remaining = ctx.windows.filter((w) => !done.has(w.iteration));
  if (pool) {
    logger.info({ event: 'workers', workers: pool.size }, `running ${remaining.length} iterations on ${pool.size} worker threads`);
    await pool.runIterations(remaining.map((w) => w.iteration), finishOne);
    const missing = remaining.filter((w) => !done.has(w.iteration));
    if (missing.length && ctx.signal?.aborted) throw stoppedBefore(ctx.signal, missing[0].iteration);
  } else {
    for (const window of remaining) {
      const n = window.iteration;
      if (ctx.signal?.aborted) throw stoppedBefore(ctx.signal, n);
      const previous = records().filter((r) => r.kind === 'model' && r.iteration < n).at(-1);
      const warm = config.training.warmStart && previous ? { iteration: previous.iteration, weights: await preservedWeights(paths, previous.iteration) } : null;
      await finishOne(await runOneIteration(ctx, window, warm, charts));
    }
  }
  return { records: records(), timings };
}

function stoppedBefore(signal: AbortSignal, iteration: number): InterruptedError {
  const reason = String(signal.reason ?? 'SIGINT');
  return new InterruptedError(reason, `interrupted by ${reason} before iteration ${iteration}: finished iterations are saved; run the same command to resume`);
}

/** Removes iterations/iter_N after its records are committed; the index forgets the files first. */
async function clearIterationFolder(ctx: RunContext, n: number): Promise<void> {
  await deleteFolder(ctx.index, `iterations/iter_${n}`);
}

async function preservedWeights(paths: ExperimentPaths, iteration: number): Promise<Float32Array[]> {
  const loaded = await loadModelZip(paths.preservedModel(iteration));
  loaded.model.dispose();
  return loaded.weights;
}

function iterationDone(record: IterationRecord, iterations: number, totalSteps: number, finished: number): ProgressState {
  const t = record.training;
  return {
    iteration: finished,
    iterations,
    step: t.timesteps,
    timesteps: t.timesteps,
    globalStep: finished * t.timesteps,
    totalSteps,
    stepsPerSecond: t.performance.stepsPerSecond,
    epsilon: t.finalEpsilon,
    lastScore: record.selection.candidates.at(-1)?.score ?? null,
    bestScore: record.selection.score,
    phase: 'iteration-done',
  };
}

function iterationLine(record: IterationRecord): string {
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
  const head = `iteration ${record.iteration}: ${record.training.timesteps} steps in ${record.training.seconds.toFixed(1)}s`;
  if (record.kind === 'model') {
    return `${head}; model preserved (${record.selection.metric} ${fmt(record.selection.score)} on ${record.selection.scoredOn}, step ${record.selection.step}); test sharpe ${fmt(record.metrics.test.sharpe)} vs buy-and-hold ${fmt(record.buyAndHold.test.sharpe)}`;
  }
  return `${head}; no model: ${record.reason}; test holds ${record.fallback}`;
}
