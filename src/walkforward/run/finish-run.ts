import { rmdir } from 'node:fs/promises';
import type { BackendInfo } from '../../backend/select-backend.js';
import { InterruptedError } from '../../errors/index.js';
import { holdAt } from '../../logging/trace.js';
import type { IterationRecord, ResumeEvent } from '../../records/index.js';
import { experimentChartJobs } from '../../report/chart-jobs.js';
import { writeReport } from '../../report/report.js';
import type { RunContext } from '../context/index.js';
import type { IterationExecutor } from '../executors/index.js';
import { updateBestModel } from './best-model.js';
import { writeExperimentBoard } from './experiment-board.js';
import type { WalkForwardResult } from './pipeline.js';
import type { runIterations } from './run-iterations.js';
import { writeSummaries } from './write-summaries.js';

/** After the last iteration: best model, summaries, the experiment's plots (drawn meanwhile on workers) and the report (the run is done after its production model). */
export async function finishRun(
  ctx: RunContext,
  executor: IterationExecutor,
  done: {
    records: IterationRecord[];
    timings: Awaited<ReturnType<typeof runIterations>>['timings'];
    resumes: ResumeEvent[];
    started: number;
    backend: BackendInfo;
  },
): Promise<Omit<WalkForwardResult, 'production'>> {
  const { config, store, series } = ctx;
  const { paths } = store;
  if (executor.charts) executor.drawCharts(experimentChartJobs(done.records, config, series.dates));
  const best = await updateBestModel(ctx, done.records);
  // Not empty (a user's file, a failed iteration's leftovers): the folder stays.
  await rmdir(paths.iterations).catch(() => undefined);
  ctx.trace('summary');
  await holdAt('summary', ctx.signal);
  if (ctx.signal?.aborted) {
    const reason = String(ctx.signal.reason ?? 'SIGINT');
    throw new InterruptedError(reason, `interrupted by ${reason} before the summaries: every iteration is saved; run the same command to write them`);
  }
  const summary = await writeSummaries({
    paths,
    experiment: ctx.experiment,
    config,
    seed: ctx.seed,
    configHash: ctx.configHash,
    dataSha256: series.sha256,
    dates: series.dates,
    backend: done.backend.name,
    windows: ctx.windows,
    records: done.records,
    timings: done.timings,
    bestIteration: best?.iteration ?? null,
    resumes: done.resumes,
    totalSeconds: (performance.now() - done.started) / 1000,
    metricOptions: ctx.metricOptions,
    now: store.now,
    ledger: {
      warn: (line) => ctx.logger.warn({ event: 'ledger-damaged' }, line),
      recorded: (line, trials) => ctx.logger.info({ event: 'trial-recorded', ledger: trials.ledger, file: trials.file, trials: trials.count }, line),
    },
  });
  const undrawn = await executor.chartsDrawn();
  if (undrawn > 0) {
    const reason = String(ctx.signal?.reason ?? 'SIGINT');
    throw new InterruptedError(
      reason,
      `interrupted by ${reason} with ${undrawn} plots left to draw; the results are saved; run the same command to draw them`,
    );
  }
  await writeReport(paths.root);
  await writeExperimentBoard(ctx, done.records);
  return { summary, paths };
}
