import { experimentRecords } from '../store/experiment-records.js';
import { algorithmOf } from '../agent/registry.js';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { configSchema } from '../config/schema.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { type IterationRecord } from '../records/index.js';
import { planExperiment, type ExperimentPlan } from '../plan/plan.js';
import { savePlan } from '../plan/save-plan.js';
import { experimentChartJobs, iterationChartJobs } from './chart-jobs.js';
import { ChartWriter } from './charts-writer.js';
import { benchmarkOf, writeReport } from './report.js';
import { besideEquitySpec, readBesideRuns } from './beside.js';
import { iterationRecordNames, layout } from '../store/layout.js';
import { claimFolder } from '../store/ownership.js';

/**
 * Redraws every plot of an experiment (snapshots included) from its records and rebuilds report.html; with `beside`
 * (ids of other experiments in the same results folder, on the same data and windows, e.g. the linear baseline),
 * the report also shows them side by side.
 */
export async function generateReport(experimentDir: string, logger: Logger = silentLogger(), beside: readonly string[] = []): Promise<string> {
  // Checked before anything is drawn: an experiment that cannot stand beside this one leaves its folder as it was.
  const besideRuns = beside.length ? await readBesideRuns(experimentDir, beside) : [];
  // Only into a folder of ours (one of an earlier version gets its marker first): plots and report.html are written there.
  await claimFolder(experimentDir, 'experiment', basename(experimentDir), { log: (line) => logger.info({ event: 'folder-adopted' }, line) });
  const read = experimentRecords(experimentDir);
  const run = await read.config();
  const config = configSchema.parse(run.config);
  const files = iterationRecordNames(await readdir(join(experimentDir, layout.checkpoints))).map((f) => f.name);
  const records: IterationRecord[] = [];
  for (const f of files) records.push(await read.iteration(`${layout.checkpoints}/${f}`));
  records.sort((a, b) => a.iteration - b.iteration);
  let plan: ExperimentPlan | null = null;
  try {
    plan = await planExperiment(config);
  } catch {
    logger.warn(
      { event: 'report-no-data' },
      `${config.data.path} is not readable; plots use row numbers instead of dates and training snapshots are not redrawn`,
    );
  }
  const writer = new ChartWriter(join(experimentDir, layout.visualizations), logger);
  await writer.writeAll(experimentChartJobs(records, config, plan?.series.dates ?? null));
  const imageEvery = plan ? savePlan(config, plan.windows.length).imageEvery : null;
  for (const record of records)
    await writer.writeAll(iterationChartJobs(record, config.training.timesteps, imageEvery, algorithmOf(config.agent).diagnostics));
  if (besideRuns.length)
    await writer.write({ file: layout.besideChart, spec: besideEquitySpec(besideRuns, plan?.series.dates ?? null, benchmarkOf(run)) });
  return writeReport(experimentDir, besideRuns);
}
