import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configSchema } from '../config/schema.js';
import { loadPriceSeries } from '../data/csv-loader.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { iterationRecordSchema, runConfigSchema, type IterationRecord } from '../records/schemas.js';
import { writeExperimentCharts } from './charts-writer.js';
import { writeReport } from './report.js';

/** Redraws every plot of a finished experiment from its records and rebuilds report.html. */
export async function generateReport(experimentDir: string, logger: Logger = silentLogger()): Promise<string> {
  const run = runConfigSchema.parse(JSON.parse(await readFile(join(experimentDir, 'config.json'), 'utf8')));
  const config = configSchema.parse(run.config);
  const files = (await readdir(join(experimentDir, 'checkpoints'))).filter((f) => /^(metrics|no_model)_iter_\d+\.json$/.test(f));
  const records: IterationRecord[] = [];
  for (const f of files) records.push(iterationRecordSchema.parse(JSON.parse(await readFile(join(experimentDir, 'checkpoints', f), 'utf8'))));
  records.sort((a, b) => a.iteration - b.iteration);
  let dates: string[] | null = null;
  try {
    dates = loadPriceSeries(config.data).dates;
  } catch {
    logger.warn({ event: 'report-no-dates' }, `${config.data.path} is not readable; plots use row numbers instead of dates`);
  }
  await writeExperimentCharts(join(experimentDir, 'visualizations'), records, config, dates, logger, { iterations: true });
  return writeReport(experimentDir);
}
