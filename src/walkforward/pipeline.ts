import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { QNetwork } from '../agent/q-network.js';
import { score, type MetricName } from '../analysis/metrics.js';
import { selectBackend } from '../backend/select-backend.js';
import { copyFileAtomic, removeTempLeftovers, writeFileAtomic } from '../checkpoint/atomic-file.js';
import { loadModelZip, type ModelMetadata } from '../checkpoint/model-zip.js';
import { computeFeatures } from '../data/features.js';
import type { PipelineConfig } from '../config/schema.js';
import { TradingEnv, type MarketView } from '../env/trading-env.js';
import { deriveSeed } from '../random/rng.js';
import { writeJson } from '../results/json-file.js';
import {
  bestModelSchema,
  FORMAT_VERSION,
  modelRecordSchema,
  placeholderRecordSchema,
  runConfigSchema,
  type IterationRecord,
  type WalkforwardSummary,
} from '../results/schemas.js';
import { buyAndHold, holdPolicy, runPolicy, type SegmentRun } from '../training/evaluate.js';
import { sha256, sha256File, stableStringify } from '../util/hash.js';
import type { Segment, Window } from '../windows/build-windows.js';
import { trainIteration, type TrainedIteration } from './iteration.js';
import { windowMarket } from './market.js';
import { experimentPaths, type ExperimentPaths } from './paths.js';
import { planExperiment } from './plan.js';
import { qualify } from './preservation.js';
import { writeSummaries } from './write-summaries.js';

export interface WalkForwardOptions {
  experiment: string;
  /** Receives one human-readable line per event. */
  log?: (line: string) => void;
  /** Called after an iteration's records are on disk and before its temporary folder is removed. */
  beforeIterationCleanup?: (iteration: number, paths: ExperimentPaths) => Promise<void> | void;
}

export interface WalkForwardResult {
  summary: WalkforwardSummary;
  paths: ExperimentPaths;
}

/**
 * The walk-forward run: for each window, train, keep the iteration's best on validation, preserve it (or write
 * why none qualified) before removing the iteration's temporary files, evaluate it out of sample, track the
 * overall best; then write the summaries.
 */
export async function runWalkForward(config: PipelineConfig, options: WalkForwardOptions): Promise<WalkForwardResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const plan = planExperiment(config);
  const backend = await selectBackend(config.backend);
  const seed = config.seed ?? deriveSeed('experiment', options.experiment);
  const paths = experimentPaths(config.resultsDir, options.experiment);
  await mkdir(paths.checkpoints, { recursive: true });
  for (const leftover of await removeTempLeftovers(paths.root)) log(`removed temporary leftover ${leftover}`);

  const configHash = sha256(stableStringify(config));
  const versions = await versionsInUse();
  await writeJson(paths.config, runConfigSchema, {
    formatVersion: FORMAT_VERSION,
    experiment: options.experiment,
    seed,
    configHash,
    config: config as unknown as Record<string, unknown>,
    data: { file: plan.series.file, sha256: plan.series.sha256, rows: plan.series.rows, priceColumn: plan.series.priceColumn },
    backend: { name: backend.name, tfBackend: backend.tfBackend, tfjsVersion: backend.tfjsVersion },
    versions,
    createdAt: new Date().toISOString(),
  });
  log(`backend ${backend.name}; seed ${seed}; ${plan.windows.length} iterations`);

  const features = computeFeatures(plan.series.price, config.env, config.features);
  const metricOptions = { periodsPerYear: config.data.periodsPerYear, riskFreeRate: config.data.riskFreeRate };
  const metadataBase: Omit<ModelMetadata, 'iteration' | 'step' | 'metrics' | 'createdAt'> = {
    formatVersion: 1,
    kind: 'model',
    experiment: options.experiment,
    observationDim: features.dim + 1,
    actions: config.env.allowShort ? [-1, 0, 1] : [0, 1],
    configHash,
    dataSha256: plan.series.sha256,
    backend: backend.name,
    versions,
  };

  const records: IterationRecord[] = [];
  const timings = new Map<number, { training: number; evaluation: number; preservation: number }>();
  let best: { iteration: number; score: number } | null = null;
  let warmStart: { iteration: number; weights: Float32Array[] } | null = null;
  for (const window of plan.windows) {
    const n = window.iteration;
    const { market } = windowMarket(features, window);
    const trained = await trainIteration({
      config,
      window,
      market,
      seed: deriveSeed(seed, 'iteration', n),
      paths,
      metadata: metadataBase,
      warmStart: config.training.warmStart ? (warmStart?.weights ?? null) : null,
      metricOptions,
    });
    const evalStarted = performance.now();
    const segmentEnv = (s: Segment) => new TradingEnv(market, s.start, s.end, config.env);
    const hold = {
      train: buyAndHold(segmentEnv(window.train), metricOptions),
      validation: window.validation ? buyAndHold(segmentEnv(window.validation), metricOptions) : null,
      test: buyAndHold(segmentEnv(window.test), metricOptions),
    };
    const metric = config.selection.metric as MetricName;
    const holdScoreRun = trained.scoredOn === 'validation' ? hold.validation : hold.train;
    const holdScore = holdScoreRun ? finiteOrNull(score(holdScoreRun.metrics, metric)) : null;
    const verdict = qualify(trained.best, holdScore, config);
    const selection = {
      metric,
      on: config.selection.on,
      scoredOn: trained.scoredOn,
      minScore: config.selection.minScore,
      mustBeatBuyAndHold: config.selection.mustBeatBuyAndHold,
      buyAndHoldScore: holdScore,
      score: trained.best?.score ?? null,
      step: trained.best?.step ?? null,
      qualified: verdict.qualified,
      candidates: trained.candidates,
    };
    const training = trainingRecord(trained, deriveSeed(seed, 'iteration', n), config.training.warmStart ? (warmStart?.iteration ?? null) : null);
    const buyAndHoldMetrics = { train: hold.train.metrics, validation: hold.validation?.metrics ?? null, test: hold.test.metrics };
    const preserveStarted = performance.now();
    let record: IterationRecord;
    if (verdict.qualified) {
      await copyFileAtomic(paths.currentBest(n), paths.preservedModel(n));
      const preserved = await loadModelZip(paths.preservedModel(n));
      preserved.model.dispose();
      const runs = evaluatePreserved(preserved.weights, config, market, window, metricOptions);
      record = await writeJson(paths.metrics(n), modelRecordSchema, {
        formatVersion: FORMAT_VERSION,
        kind: 'model',
        experiment: options.experiment,
        iteration: n,
        window,
        model: { file: `checkpoints/model_iter_${n}.zip`, sha256: await sha256File(paths.preservedModel(n)), size: (await stat(paths.preservedModel(n))).size },
        selection,
        metrics: { train: runs.train.metrics, validation: runs.validation?.metrics ?? null, test: runs.test.metrics },
        buyAndHold: buyAndHoldMetrics,
        outOfSample: outOfSample(runs.test, market),
        training,
        createdAt: new Date().toISOString(),
      });
      warmStart = { iteration: n, weights: preserved.weights };
      const s = trained.best?.score as number;
      if (best === null || s > best.score) {
        await copyFileAtomic(paths.preservedModel(n), paths.bestModel);
        await writeJson(paths.bestModelJson, bestModelSchema, {
          formatVersion: FORMAT_VERSION,
          experiment: options.experiment,
          iteration: n,
          file: 'best_model.zip',
          sha256: await sha256File(paths.bestModel),
          metric,
          score: s,
          reason: best === null ? `first qualifying model (${metric} ${s.toFixed(4)} on ${trained.scoredOn})` : `${metric} ${s.toFixed(4)} on ${trained.scoredOn} beats iteration ${best.iteration}'s ${best.score.toFixed(4)}`,
          updatedAt: new Date().toISOString(),
        });
        best = { iteration: n, score: s };
      }
    } else {
      const fallback = config.selection.fallback;
      const testEnv = segmentEnv(window.test);
      const run = runPolicy(testEnv, holdPolicy(testEnv, fallback === 'flat' ? 0 : 1), metricOptions);
      record = await writeJson(paths.placeholder(n), placeholderRecordSchema, {
        formatVersion: FORMAT_VERSION,
        kind: 'placeholder',
        experiment: options.experiment,
        iteration: n,
        window,
        reason: verdict.reason,
        criteria: { metric, minScore: config.selection.minScore, mustBeatBuyAndHold: config.selection.mustBeatBuyAndHold },
        bestCandidate: trained.best,
        selection,
        fallback,
        metrics: { test: run.metrics },
        buyAndHold: buyAndHoldMetrics,
        outOfSample: outOfSample(run, market),
        training,
        createdAt: new Date().toISOString(),
      });
    }
    records.push(record);
    timings.set(n, { training: trained.seconds, evaluation: (preserveStarted - evalStarted) / 1000, preservation: (performance.now() - preserveStarted) / 1000 });
    await options.beforeIterationCleanup?.(n, paths);
    await rm(paths.iterationDir(n), { recursive: true, force: true });
    log(iterationLine(record, trained));
  }
  await rmdir(paths.iterations).catch(() => undefined);

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
    totalSeconds: (performance.now() - started) / 1000,
    metricOptions,
  });
  return { summary, paths };
}

function evaluatePreserved(
  weights: Float32Array[],
  config: PipelineConfig,
  market: MarketView,
  window: Window,
  metricOptions: { periodsPerYear: number; riskFreeRate: number },
): { train: SegmentRun; validation: SegmentRun | null; test: SegmentRun } {
  const positions = config.env.allowShort ? 3 : 2;
  const net = new QNetwork(market.featureDim + 1, config.agent.layers, positions);
  try {
    net.setWeights(weights);
    const run = (s: Segment) => runPolicy(new TradingEnv(market, s.start, s.end, config.env), (obs) => net.greedyAction(obs), metricOptions);
    return { train: run(window.train), validation: window.validation ? run(window.validation) : null, test: run(window.test) };
  } finally {
    net.dispose();
  }
}

function outOfSample(run: SegmentRun, market: MarketView) {
  return {
    rows: Array.from(run.rows),
    positions: Array.from(run.positions),
    returns: Array.from(run.returns),
    marketReturns: Array.from(run.rows, (row) => market.simpleReturns[row]),
  };
}

function trainingRecord(t: TrainedIteration, seed: number, warmStartFrom: number | null) {
  return { seed, timesteps: t.timesteps, updates: t.updates, episodes: t.episodes, finalEpsilon: t.finalEpsilon, warmStartFrom, seconds: t.seconds };
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function iterationLine(record: IterationRecord, trained: TrainedIteration): string {
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
  const head = `iteration ${record.iteration}: ${trained.timesteps} steps in ${trained.seconds.toFixed(1)}s`;
  if (record.kind === 'model') {
    return `${head}; model preserved (${record.selection.metric} ${fmt(record.selection.score)} on ${record.selection.scoredOn}, step ${record.selection.step}); test sharpe ${fmt(record.metrics.test.sharpe)} vs buy-and-hold ${fmt(record.buyAndHold.test.sharpe)}`;
  }
  return `${head}; no model: ${record.reason}; test holds ${record.fallback}`;
}

async function versionsInUse(): Promise<Record<string, string>> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return { [pkg.name]: pkg.version, node: process.version, tfjs: tf.version.tfjs };
}
