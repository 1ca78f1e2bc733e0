import * as tf from '@tensorflow/tfjs';
import { readFile, rmdir } from 'node:fs/promises';
import { deleteFolder } from '../retention/cleanup.js';
import { selectBackend } from '../backend/select-backend.js';
import { InterruptedError, ResumeRefusedError } from '../checkpoint/errors.js';
import { loadTrainingCheckpoint } from '../checkpoint/training-checkpoint.js';
import { UsageError } from '../errors/index.js';
import { loadModelZip } from '../checkpoint/model-zip.js';
import type { PipelineConfig } from '../config/schema.js';
import { computeFeatures } from '../data/features.js';
import { createTrace } from '../logging/trace.js';
import { deriveSeed } from '../random/rng.js';
import { writeJson } from '../results/json-file.js';
import { FORMAT_VERSION, runConfigSchema, type IterationRecord, type ResumeEvent, type WalkforwardSummary } from '../results/schemas.js';
import { updateBestModel } from './best-model.js';
import type { RunContext } from './context.js';
import { runOneIteration, type IterationOutcome } from './run-iteration.js';
import { runInWorkers } from './worker-pool.js';
import type { WorkerSetup } from './worker-messages.js';
import { experimentPaths, type ExperimentPaths } from './paths.js';
import { planExperiment } from './plan.js';
import { savePlan } from './save-plan.js';
import { resumeHash, startExperiment, type StartOptions } from './start.js';
import { writeSummaries } from './write-summaries.js';
import { createRunLogger, type LogRecord } from '../logging/logger.js';
import type { ProgressListener, ProgressState } from './progress.js';
import { ChartWriter, writeExperimentCharts } from '../report/charts-writer.js';
import { writeReport } from '../report/report.js';

export interface WalkForwardOptions extends StartOptions {
  experiment: string;
  /** Receives every log record (also written as JSON lines to results/<id>/run.log). */
  onLog?: (record: LogRecord) => void;
  /** pino level for run.log and onLog (default info). */
  logLevel?: string;
  /** Called at evenly spaced moments (saving.nProgressUpdates) and at iteration boundaries. */
  onProgress?: ProgressListener;
  /** Write PNG plots during and after the run (default true). */
  charts?: boolean;
  /** Run independent iterations on this many worker threads (results are identical to 1). */
  workers?: number;
  /** Aborting stops training at the next step, saves a training checkpoint and rejects with InterruptedError. */
  signal?: AbortSignal;
  /** Continue from this training checkpoint (a zip under iterations/iter_N/training/). */
  resumeFrom?: string;
  /** Called after an iteration's records are on disk and before its temporary folder is removed. */
  beforeIterationCleanup?: (iteration: number, paths: ExperimentPaths) => Promise<void> | void;
}

export interface WalkForwardResult {
  summary: WalkforwardSummary;
  paths: ExperimentPaths;
}

/**
 * The walk-forward run: for each window, train (continuing from the newest training checkpoint after a crash),
 * keep the iteration's best on validation, preserve it (or write why none qualified) before removing the
 * iteration's temporary files, evaluate it out of sample, track the overall best; then write the summaries.
 * Running it again on the same experiment resumes where it stopped.
 */
export async function runWalkForward(config: PipelineConfig, options: WalkForwardOptions): Promise<WalkForwardResult> {
  const started = performance.now();
  const plan = planExperiment(config);
  const backend = await selectBackend(config.backend);
  const seed = config.seed ?? deriveSeed('experiment', options.experiment);
  const paths = experimentPaths(config.resultsDir, options.experiment);
  const runId = `${options.experiment}-${Date.now().toString(36)}-${process.pid}`;
  // Lines from before the lock is held go to the console only; run.log is written once this process owns the folder.
  const early = createRunLogger({ level: options.logLevel ?? 'info', runId, experiment: options.experiment, sink: options.onLog });
  const start = await startExperiment(paths, options.experiment, config, plan.series.sha256, plan.windows, options, (line) => early.info({ event: 'start' }, line));
  const logger = createRunLogger({ level: options.logLevel ?? 'info', runId, experiment: options.experiment, sink: options.onLog, file: paths.runLog });
  try {
    const versions = await versionsInUse();
    const resumes = [...(start.previous?.resumes ?? []), ...(start.resume ? [start.resume] : [])];
    const configHash = resumeHash(config);
    await writeJson(paths.config, runConfigSchema, {
      formatVersion: FORMAT_VERSION,
      experiment: options.experiment,
      seed,
      configHash,
      config: config as unknown as Record<string, unknown>,
      data: { file: plan.series.file, sha256: plan.series.sha256, rows: plan.series.rows, priceColumn: plan.series.priceColumn },
      backend: { name: backend.name, tfBackend: backend.tfBackend, tfjsVersion: backend.tfjsVersion },
      versions,
      createdAt: start.previous?.createdAt ?? new Date().toISOString(),
      resumes,
    });
    if (start.resume) logger.info({ event: 'resume', ...start.resume }, resumeLine(start.resume, plan.windows.length));
    if (start.previous && start.previous.backend.name !== backend.name) {
      logger.warn({ event: 'backend-changed' }, `this experiment started on the ${start.previous.backend.name} backend and continues on ${backend.name}; numbers may differ in the last digits`);
    }
    const features = computeFeatures(plan.series.price, config.env, config.features);
    const ctx: RunContext = {
      experiment: options.experiment,
      config,
      paths,
      index: start.index,
      series: plan.series,
      features,
      windows: plan.windows,
      seed,
      configHash,
      metadata: {
        formatVersion: 1,
        experiment: options.experiment,
        observationDim: features.dim + 1,
        actions: config.env.allowShort ? [-1, 0, 1] : [0, 1],
        configHash,
        dataSha256: plan.series.sha256,
        backend: backend.name,
        versions,
      },
      metricOptions: { periodsPerYear: config.data.periodsPerYear, riskFreeRate: config.data.riskFreeRate },
      plan: savePlan(config, plan.windows.length),
      logger,
      onProgress: options.onProgress,
      trace: createTrace(),
      signal: options.signal,
      resumeFrom: options.resumeFrom ? await explicitResumePoint(options.resumeFrom, configHash, start.finished, options.force) : undefined,
    };
    logger.info({ event: 'run-start', backend: backend.name, seed, iterations: plan.windows.length, skipped: backend.skipped }, `backend ${backend.name}; seed ${seed}; ${plan.windows.length} iterations`);
    logger.info({ event: 'save-plan', ...ctx.plan }, saveLine(ctx, paths.root));
    const charts = options.charts === false ? null : new ChartWriter(paths.visualizations, logger, config.selection.metric, config.training.timesteps);

    const done = new Map<number, IterationRecord>();
    const records = () => [...done.values()].sort((a, b) => a.iteration - b.iteration);
    const timings = new Map<number, { training: number; evaluation: number; preservation: number }>();
    for (const [n, record] of start.finished) {
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
      options.onProgress?.(iterationDone(record, plan.windows.length, ctx.plan.totalSteps, done.size));
    };
    const todo = plan.windows.filter((w) => !done.has(w.iteration));
    const workers = Math.max(1, options.workers ?? 1);
    if (workers > 1 && config.training.warmStart) {
      logger.warn({ event: 'workers-sequential' }, 'training.warmStart makes each iteration start from the previous one, so iterations run one at a time');
    }
    if (workers > 1 && !config.training.warmStart && todo.length > 1) {
      logger.info({ event: 'workers', workers }, `running ${todo.length} iterations on ${Math.min(workers, todo.length)} worker threads`);
      const setup: WorkerSetup = { experiment: options.experiment, config, seed, configHash, metadata: ctx.metadata, plan: ctx.plan, runId, logLevel: options.logLevel ?? 'info', charts: !!charts };
      await runInWorkers(ctx, setup, todo.map((w) => w.iteration), workers, finishOne);
    } else {
      for (const window of todo) {
        const n = window.iteration;
        if (options.signal?.aborted) {
          const reason = String(options.signal.reason ?? 'SIGINT');
          throw new InterruptedError(reason, `interrupted by ${reason} before iteration ${n}: finished iterations are saved; run the same command to resume`);
        }
        const previous = records().filter((r) => r.kind === 'model' && r.iteration < n).at(-1);
        const warm = config.training.warmStart && previous ? { iteration: previous.iteration, weights: await preservedWeights(paths, previous.iteration) } : null;
        await finishOne(await runOneIteration(ctx, window, warm, charts));
      }
    }
    const best = await updateBestModel(ctx, records());
    await rmdir(paths.iterations).catch(() => undefined);
    ctx.trace('summary');
    const summary = await writeSummaries({
      paths,
      experiment: options.experiment,
      config,
      seed,
      configHash,
      dataSha256: plan.series.sha256,
      dates: plan.series.dates,
      backend: backend.name,
      windows: plan.windows,
      records: records(),
      timings,
      bestIteration: best?.iteration ?? null,
      resumes,
      totalSeconds: (performance.now() - started) / 1000,
      metricOptions: ctx.metricOptions,
    });
    if (charts) await writeExperimentCharts(paths.visualizations, records(), config, plan.series.dates, logger);
    await writeReport(paths.root);
    ctx.trace('done');
    logger.info({ event: 'run-done', seconds: summary.totalSeconds, qualified: summary.qualified }, `finished in ${summary.totalSeconds.toFixed(1)}s`);
    return { summary, paths };
  } catch (err) {
    logger.error({ event: 'run-failed', error: (err as Error).message }, (err as Error).message);
    throw err;
  } finally {
    logger.flush();
    await start.lock.release();
  }
}

/** Verifies a checkpoint named by --resume and checks that it belongs to an unfinished iteration of this config. */
async function explicitResumePoint(file: string, configHash: string, finished: Map<number, IterationRecord>, force?: boolean) {
  const { metadata, snapshot } = await loadTrainingCheckpoint(file);
  if (finished.has(metadata.iteration)) {
    throw new UsageError(`--resume ${file}: iteration ${metadata.iteration} is already finished; use --fresh to redo the experiment`);
  }
  if (metadata.configHash !== configHash && !force) {
    throw new ResumeRefusedError(`--resume ${file} was written under another configuration; use --force to continue from it anyway`);
  }
  return { file, iteration: metadata.iteration, snapshot };
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

function saveLine(ctx: RunContext, root: string): string {
  const p = ctx.plan;
  const count = (every: number) => Math.max(1, Math.floor(p.totalSteps / every));
  return [
    'Save configuration:',
    `  - Model checkpoints: ~${count(p.modelEvery)} saves (every ${p.modelEvery} steps, plus one at the end of each iteration)`,
    `  - Visualizations: ~${count(p.imageEvery)} saves (every ${p.imageEvery} steps)`,
    `  - Progress updates: ~${count(p.progressEvery)} times (every ${p.progressEvery} steps)`,
    `  - All saves in: ${root}/`,
  ].join('\n');
}

function resumeLine(resume: ResumeEvent, total: number): string {
  const done = resume.finishedIterations;
  const finished = done.length ? `iterations ${done.join(', ')} of ${total} finished and verified` : `no iteration of ${total} finished yet`;
  const forced = resume.forced ? ` (forced past changes: ${resume.changes.join('; ')})` : '';
  return `resuming: ${finished}${forced}`;
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

async function versionsInUse(): Promise<Record<string, string>> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return { [pkg.name]: pkg.version, node: process.version, tfjs: tf.version.tfjs };
}
