import { policyShape } from '../agent/registry.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { greedyPolicy } from '../agent/ensemble.js';
import { voteOf } from '../store/model-zip.js';
import { loadCheckpointModel } from './load-checkpoint-model.js';
import { configSchema } from '../config/schema.js';
import { sqlFeatures } from '../data/feature-specs.js';
import { loadPriceSeries } from '../data/load-series.js';
import { computeFeatures } from '../data/features.js';
import { TradingEnv } from '../env/trading-env.js';
import { UsageError } from '../errors/index.js';
import { iterationRecordSchema, runConfigSchema } from '../records/index.js';
import { buyAndHold, runPolicy } from '../training/evaluate.js';
import { marketView } from '../env/market.js';
import type { Metrics } from '../analysis/metrics.js';
import { layout } from '../store/layout.js';
import { parseInstant } from '../util/instant.js';

export interface EvaluateOptions {
  /** Another CSV to run on (default: the experiment's data file). */
  data?: string;
  /** First bar: a row number or a date (the first row on or after it). Default: the iteration's test segment. */
  from?: string | number;
  /** End (exclusive): a row number or a date (rows before it). */
  to?: string | number;
}

export interface CheckpointEvaluation {
  iteration: number;
  data: string;
  from: number;
  to: number;
  fromDate: string | null;
  toDate: string | null;
  bars: number;
  strategy: Metrics;
  buyAndHold: Metrics;
}

/**
 * Runs a preserved model greedily on any slice of any price file, with the observation settings and the
 * standardization stored in the model itself, and measures it beside buy-and-hold on the same bars.
 */
export async function evaluateCheckpoint(experimentDir: string, iteration: number, options: EvaluateOptions = {}): Promise<CheckpointEvaluation> {
  const checkpoint = await loadCheckpointModel(experimentDir, iteration);
  checkpoint.model.dispose();
  const run = runConfigSchema.parse(await readRecord(join(experimentDir, layout.config), 'the experiment configuration'));
  const config = configSchema.parse(run.config);
  const observation = checkpoint.metadata.observation;
  if (!observation) throw new UsageError(`${checkpoint.file} does not record how its observations were built; it cannot be evaluated on new data`);
  if (observation.panel) {
    throw new UsageError(
      `${checkpoint.file} trades a panel of ${observation.panel.symbols.length} instruments; evaluate runs one-instrument models, and a panel model's out-of-sample runs are in its metrics record and oos_positions.csv`,
    );
  }
  const dataPath = options.data ?? config.data.path;
  // The model's own features, SQL ones included, recomputed on the data it is evaluated on.
  const series = await loadPriceSeries({ ...config.data, path: dataPath, features: sqlFeatures(observation.features) });
  const features = computeFeatures(series.price, { lookback: observation.lookback }, observation.features, series.features);
  const market = marketView(features, observation.standardization);
  const record = iterationRecordSchema.parse(
    await readRecord(join(experimentDir, layout.metrics(iteration)), `the record of iteration ${iteration}`),
  );
  const sameData = options.data === undefined;
  const from = Math.max(
    resolveRow(options.from, series.dates, sameData ? record.window.test.start : features.firstValidRow + 1, '--from'),
    features.firstValidRow + 1,
  );
  const to = Math.min(resolveRow(options.to, series.dates, sameData ? record.window.test.end : series.rows, '--to'), series.rows);
  if (to - from < 1)
    throw new UsageError(`the slice [${from}, ${to}) of ${dataPath} holds no bar to trade after the ${features.firstValidRow}-row feature warm-up`);
  const env = new TradingEnv(market, from, to, config.env);
  const policy = greedyPolicy(policyShape(config.agent, env.spaces), checkpoint.weights, voteOf(checkpoint));
  try {
    const metricOptions = { periodsPerYear: config.data.periodsPerYear, riskFreeRate: config.data.riskFreeRate };
    const strategy = runPolicy(env, (obs) => policy.action(obs), metricOptions);
    return {
      iteration,
      data: dataPath,
      from,
      to,
      fromDate: series.dates?.[from] ?? null,
      toDate: series.dates?.[to - 1] ?? null,
      bars: strategy.returns.length,
      strategy: strategy.metrics,
      buyAndHold: buyAndHold(env, metricOptions).metrics,
    };
  } finally {
    policy.dispose();
  }
}

function resolveRow(value: string | number | undefined, dates: string[] | null, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' || /^\d+$/.test(value)) return Number(value);
  if (!dates) throw new UsageError(`${flag} ${value}: the data has no date column; give a row number`);
  const t = parseInstant(value);
  if (!Number.isFinite(t)) throw new UsageError(`${flag} ${value}: expected a row number or a date such as 2015-01-02`);
  const row = dates.findIndex((d) => parseInstant(d) >= t);
  return row < 0 ? dates.length : row;
}

/** A JSON file the evaluation needs, or an error naming it and what to do. */
async function readRecord(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${path}, ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); wfo verify --repair says what is lost, and rerunning walkforward on the experiment redoes it`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${path}, ${what}, is not valid JSON; wfo verify --repair says what is lost`);
  }
}
