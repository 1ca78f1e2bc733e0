import { tf } from '../backend/tf.js';
import { readFile, rmdir } from 'node:fs/promises';
import { selectBackend, type BackendInfo } from '../backend/select-backend.js';
import { InterruptedError, ResumeRefusedError } from '../store/errors.js';
import { loadTrainingCheckpoint } from '../store/training-checkpoint.js';
import { UsageError } from '../errors/index.js';
import type { PipelineConfig } from '../config/schema.js';
import { computeFeatures } from '../data/features.js';
import { createTrace } from '../logging/trace.js';
import { deriveSeed } from '../random/rng.js';
import { writeJson } from '../store/json-file.js';
import { FORMAT_VERSION, runConfigSchema, type IterationRecord, type ResumeEvent, type WalkforwardSummary } from '../records/schemas.js';
import { updateBestModel } from './best-model.js';
import type { RunContext } from './context.js';
import { runIterations } from './run-iterations.js';
import { experimentPaths, type ExperimentPaths } from './paths.js';
import { planExperiment, type ExperimentPlan } from '../plan/plan.js';
import { savePlan } from '../plan/save-plan.js';
import { resumeHash, startExperiment, type StartOptions } from './start.js';
import { writeSummaries } from './write-summaries.js';
import { createRunLogger, type LogRecord } from '../logging/logger.js';
import type { ProgressListener } from './progress.js';
import { experimentChartJobs } from '../report/chart-jobs.js';
import { ChartWriter } from '../report/charts-writer.js';
import { writeReport } from '../report/report.js';
import { startWorkers, type WorkerPool } from './worker-pool.js';

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
  /** Worker threads the caller spawned ahead with startWorkers (null: none); the run closes them. */
  pool?: WorkerPool | null;
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
  const pool = options.pool === undefined ? startWorkers(config, options.experiment, options.workers ?? 1, plan.windows.length) : options.pool;
  try {
    return await runWithPool(config, options, started, plan, pool);
  } finally {
    await pool?.close();
  }
}

async function runWithPool(config: PipelineConfig, options: WalkForwardOptions, started: number, plan: ExperimentPlan, pool: WorkerPool | null): Promise<WalkForwardResult> {
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
    await writeRunConfig(paths, options.experiment, config, seed, configHash, plan, backend, versions, start.previous?.createdAt, resumes);
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
    const charts = options.charts === false ? null : new ChartWriter(paths.visualizations, logger);

    if ((options.workers ?? 1) > 1 && config.training.warmStart) {
      logger.warn({ event: 'workers-sequential' }, 'training.warmStart makes each iteration start from the previous one, so iterations run one at a time');
    }
    pool?.setup(ctx, { seed, configHash, metadata: ctx.metadata, plan: ctx.plan, runId, logLevel: options.logLevel ?? 'info', charts: !!charts });
    const { records, timings } = await runIterations(ctx, start.finished, charts, { pool, beforeIterationCleanup: options.beforeIterationCleanup });
    const experimentCharts = charts ? experimentChartJobs(records, config, plan.series.dates) : [];
    // With workers the experiment's plots are drawn while this thread writes the summaries.
    pool?.drawCharts(experimentCharts);
    const best = await updateBestModel(ctx, records);
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
      records,
      timings,
      bestIteration: best?.iteration ?? null,
      resumes,
      totalSeconds: (performance.now() - started) / 1000,
      metricOptions: ctx.metricOptions,
    });
    let undrawn = 0;
    if (pool) undrawn = await pool.chartsDrawn();
    else await charts?.writeAll(experimentCharts);
    if (undrawn > 0 && options.signal?.aborted) {
      const reason = String(options.signal.reason ?? 'SIGINT');
      throw new InterruptedError(reason, `interrupted by ${reason} with ${undrawn} plots left to draw; the results are saved; run the same command to draw them`);
    }
    await writeReport(paths.root);
    ctx.trace('done');
    logger.info({ event: 'run-done', seconds: summary.totalSeconds, qualified: summary.qualified }, `finished in ${summary.totalSeconds.toFixed(1)}s`);
    return { summary, paths };
  } catch (err) {
    logger.error({ event: 'run-failed', error: (err as Error).message }, (err as Error).message);
    throw err;
  } finally {
    await pool?.close();
    logger.flush();
    await start.lock.release();
  }
}

async function writeRunConfig(
  paths: ExperimentPaths,
  experiment: string,
  config: PipelineConfig,
  seed: number,
  configHash: string,
  plan: ExperimentPlan,
  backend: BackendInfo,
  versions: Record<string, string>,
  createdAt: string | undefined,
  resumes: ResumeEvent[],
): Promise<void> {
  await writeJson(paths.config, runConfigSchema, {
    formatVersion: FORMAT_VERSION,
    experiment,
    seed,
    configHash,
    config: config as unknown as Record<string, unknown>,
    data: { file: plan.series.file, sha256: plan.series.sha256, rows: plan.series.rows, priceColumn: plan.series.priceColumn },
    backend: { name: backend.name, tfBackend: backend.tfBackend, tfjsVersion: backend.tfjsVersion },
    versions,
    createdAt: createdAt ?? new Date().toISOString(),
    resumes,
  });
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



async function versionsInUse(): Promise<Record<string, string>> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return { [pkg.name]: pkg.version, node: process.version, tfjs: tf.version.tfjs };
}
