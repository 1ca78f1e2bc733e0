import { observationSize, tradingSpaces } from '../../env/spaces.js';
import { panelSpaces } from '../../env/panel-spaces.js';
import { algorithmOf } from '../../agent/registry.js';
import { selectBackend } from '../../backend/select-backend.js';
import { ResumeRefusedError, UsageError } from '../../errors/index.js';
import type { PipelineConfig } from '../../config/schema.js';
import { type IterationRecord, type ModelCard, type WalkforwardSummary } from '../../records/index.js';
import { runProduction } from '../production/index.js';
import { checkRunLedger } from './record-trial.js';
import { finishRun } from './finish-run.js';
import { saveLine, resumeLine } from './log-lines.js';
import { versionsInUse, writeRunConfig } from './run-record.js';
import type { IterationExecutor } from '../executors/index.js';
import { runIterations } from './run-iterations.js';
import { experimentPaths, type ExperimentPaths } from '../../store/layout.js';
import { savePlan } from '../../plan/save-plan.js';
import { resumeHash, startExperiment, type StartOptions } from '../start/index.js';
import { createRunLogger, DETAIL_LEVEL, lowerLevel, type LogRecord } from '../../logging/logger.js';
import { checkRules } from '../../config/rules.js';
import type { ProgressListener } from '../context/index.js';
import { explicitResumePoint } from '../seed/index.js';
import { buildRunContext, loadRunData, type RunData, type RunSetup } from '../context/index.js';
import { checkRunOptions, resolveWorkers, type WorkerCount } from '../executors/index.js';
import { startExecutor } from '../executors/index.js';
import type { ExperimentPlan } from '../../plan/plan.js';

export interface WalkForwardOptions extends Omit<StartOptions, 'workers'> {
  experiment: string;
  /** Receives every log record (also written as JSON lines to results/<id>/run.log). */
  onLog?: (record: LogRecord) => void;
  /** pino level for run.log and onLog (default info). */
  logLevel?: string;
  /** Called at evenly spaced moments (saving.nProgressUpdates) and at iteration boundaries. */
  onProgress?: ProgressListener;
  /** Write PNG plots during and after the run (default true). */
  charts?: boolean;
  /** Run independent iterations on this many worker threads, or 'auto': one per core (default 1; results are identical). */
  workers?: WorkerCount;
  /** Where iterations run, started ahead by the caller with startExecutor (it must match `workers`); the run closes it. */
  executor?: IterationExecutor;
  /** The plan of this very config, when the caller has loaded it already (the CLI does, for its display): not loaded twice. */
  plan?: ExperimentPlan;
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
  /** The production model's card (production.enabled), null when off. */
  production: ModelCard | null;
}

/**
 * The walk-forward run: for each window, train (continuing from the newest training checkpoint after a crash),
 * keep the iteration's best on validation, preserve it (or write why none qualified) before removing the
 * iteration's temporary files, evaluate it out of sample, track the overall best; then write the summaries.
 * Running it again on the same experiment resumes where it stopped.
 */
export async function runWalkForward(config: PipelineConfig, options: WalkForwardOptions): Promise<WalkForwardResult> {
  const started = performance.now();
  checkRunOptions(options);
  // The executor may hold worker threads still loading the data: it is closed, not dropped, when this load fails.
  const data = await loadRunData(config, options.plan).catch(async (err: unknown) => {
    await options.executor?.close();
    throw err;
  });
  const choice = options.executor
    ? {
        executor: options.executor,
        warning: null,
        workers: resolveWorkers(options.workers ?? 1, data.plan.windows.length, config.training.warmStart),
      }
    : startExecutor(config, options.experiment, options.workers ?? 1, data.plan.windows.length);
  try {
    return await runOn(choice.executor, choice.warning, config, { ...options, workers: choice.workers }, started, data);
  } finally {
    await choice.executor.close();
  }
}

async function runOn(
  executor: IterationExecutor,
  warning: string | null,
  config: PipelineConfig,
  options: WalkForwardOptions & { workers: number },
  started: number,
  data: RunData,
): Promise<WalkForwardResult> {
  const { plan } = data;
  const now = options.now ?? (() => new Date());
  const backend = await selectBackend(config.backend);
  const paths = experimentPaths(config.resultsDir, options.experiment);
  const runId = `${options.experiment}-${now().getTime().toString(36)}-${process.pid}`;
  const logLevel = options.logLevel ?? 'info';
  // Lines from before the lock is held go to the console only; run.log is written once this process owns the folder.
  const early = createRunLogger({ level: logLevel, runId, experiment: options.experiment, sink: options.onLog });
  await checkRunLedger(config);
  const start = await startExperiment(paths, options.experiment, config, plan, { ...options, now }, (line) => early.info({ event: 'start' }, line));
  let logger: ReturnType<typeof createRunLogger>;
  try {
    logger = createRunLogger({ level: logLevel, runId, experiment: options.experiment, sink: options.onLog, file: paths.runLog });
  } catch (err) {
    await start.lock.release();
    throw err;
  }
  const seed = start.seed;
  try {
    const versions = versionsInUse();
    const resumes = [...(start.previous?.resumes ?? []), ...(start.resume ? [start.resume] : [])];
    const configHash = resumeHash(config, plan.series.panel !== null);
    await writeRunConfig(paths, {
      experiment: options.experiment,
      config,
      seed,
      configHash,
      plan,
      backend,
      versions,
      resumes,
      createdAt: start.previous?.createdAt ?? now().toISOString(),
    });
    if (start.resume) logger.info({ event: 'run-resume', ...start.resume }, resumeLine(start.resume, plan.windows.length));
    if (start.previous && start.previous.backend.name !== backend.name) {
      logger.warn(
        { event: 'backend-changed' },
        `this experiment started on the ${start.previous.backend.name} backend and continues on ${backend.name}; numbers may differ in the last digits`,
      );
    }
    const spaces = data.panel ? panelSpaces(data.features.names, config.env) : tradingSpaces(data.features.names, config.env);
    const setup: RunSetup = {
      experiment: options.experiment,
      config,
      seed,
      configHash,
      metadata: {
        formatVersion: 1,
        experiment: options.experiment,
        observationDim: observationSize(spaces),
        actions: [...spaces.action.positions],
        configHash,
        dataSha256: plan.series.sha256,
        backend: backend.name,
        versions,
      },
      plan: savePlan(config, plan.windows.length),
      runId,
      // Workers forward every line run.log keeps, the detailed ones included.
      logLevel: lowerLevel(logLevel, DETAIL_LEVEL),
      charts: options.charts !== false,
    };
    const resumeFrom = options.resumeFrom
      ? await checkedResumePoint(options.resumeFrom, config, configHash, start.finished, options.force)
      : undefined;
    const ctx = buildRunContext(data, setup, { index: start.index, logger, now, onProgress: options.onProgress, signal: options.signal, resumeFrom });
    logger.info(
      { event: 'run-start', backend: backend.name, seed, iterations: plan.windows.length, skipped: backend.skipped },
      `backend ${backend.name}; seed ${seed}; ${plan.windows.length} iterations`,
    );
    logger.info({ event: 'save-plan', ...ctx.plan }, saveLine(ctx, paths.root));
    if (warning) logger.warn({ event: 'workers-sequential' }, warning);
    for (const w of checkRules(config).warnings) logger.warn({ event: 'config-warning' }, w);
    executor.setup(ctx, setup);
    const { records, timings } = await runIterations(ctx, start.finished, executor, { beforeIterationCleanup: options.beforeIterationCleanup });
    const finished = await finishRun(ctx, executor, { records, timings, resumes, started, backend });
    await executor.close(); // its workers idle while this thread trains the production model
    const production = await runProduction(ctx, records, finished.summary);
    ctx.trace('done');
    const { totalSeconds, qualified } = finished.summary;
    logger.info({ event: 'run-done', seconds: totalSeconds, qualified }, `finished in ${totalSeconds.toFixed(1)}s`);
    return { ...finished, production };
  } catch (err) {
    const failure = err as Error & { exitCode?: number };
    logger.error({ event: 'run-failed', error: failure.message, errorName: failure.name, exitCode: failure.exitCode ?? 1 }, (err as Error).message);
    throw err;
  } finally {
    await executor.close();
    logger.flush();
    await start.lock.release();
  }
}

/** The checkpoint named by --resume: it must verify, belong to an unfinished iteration and to this config (or be forced). */
async function checkedResumePoint(file: string, config: PipelineConfig, configHash: string, finished: Map<number, IterationRecord>, force?: boolean) {
  const point = await explicitResumePoint(file, algorithmOf(config.agent));
  if (finished.has(point.iteration)) {
    throw new UsageError(`--resume ${file}: iteration ${point.iteration} is already finished; use --fresh to redo the experiment`);
  }
  if (point.configHash !== configHash && !force) {
    throw new ResumeRefusedError(`--resume ${file} was written under another configuration; use --force to continue from it anyway`);
  }
  return { file, iteration: point.iteration, state: point.state };
}
