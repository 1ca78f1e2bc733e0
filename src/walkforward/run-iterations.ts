import { loadModelZip } from '../checkpoint/model-zip.js';
import { InterruptedError } from '../checkpoint/errors.js';
import type { ChartWriter } from '../report/charts-writer.js';
import { deleteFolder } from '../retention/cleanup.js';
import type { IterationRecord } from '../records/schemas.js';
import { updateBestModel } from './best-model.js';
import type { RunContext } from './context.js';
import type { ExperimentPaths } from './paths.js';
import type { ProgressState } from './progress.js';
import { runOneIteration, type IterationOutcome } from './run-iteration.js';
import type { WorkerSetup } from './worker-messages.js';
import { runInWorkers } from './worker-pool.js';

export interface IterationsOptions {
  experiment: string;
  workers: number;
  runId: string;
  logLevel: string;
  beforeIterationCleanup?: (iteration: number, paths: ExperimentPaths) => Promise<void> | void;
}

export interface IterationsResult {
  records: IterationRecord[];
  timings: Map<number, { training: number; evaluation: number; preservation: number }>;
}

/**
 * Runs every iteration not finished yet: in order in this thread, or on worker threads when asked and the
 * iterations are independent (no warm start). After each: the best model is updated, the hook runs, and only
 * then is the iteration's temporary folder removed.
 */
export async function runIterations(ctx: RunContext, finished: Map<number, IterationRecord>, charts: ChartWriter | null, options: IterationsOptions): Promise<IterationsResult> {
  const { config, logger, paths } = ctx;
  const done = new Map<number, IterationRecord>();
  const records = () => [...done.values()].sort((a, b) => a.iteration - b.iteration);
  const timings: IterationsResult['timings'] = new Map();
  for (const [n, record] of finished) {
    done.set(n, record);
    timings.set(n, { training: record.training.seconds, evaluation: 0, preservation: 0 });
    await clearIterationFolder(ctx, n);
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
  };
  const remaining = ctx.windows.filter((w) => !done.has(w.iteration));
  if (options.workers > 1 && config.training.warmStart) {
    logger.warn({ event: 'workers-sequential' }, 'training.warmStart makes each iteration start from the previous one, so iterations run one at a time');
  }
  if (options.workers > 1 && !config.training.warmStart && remaining.length > 1) {
    logger.info({ event: 'workers', workers: options.workers }, `running ${remaining.length} iterations on ${Math.min(options.workers, remaining.length)} worker threads`);
    const setup: WorkerSetup = { experiment: options.experiment, config, seed: ctx.seed, configHash: ctx.configHash, metadata: ctx.metadata, plan: ctx.plan, runId: options.runId, logLevel: options.logLevel, charts: !!charts };
    await runInWorkers(ctx, setup, remaining.map((w) => w.iteration), options.workers, finishOne);
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
