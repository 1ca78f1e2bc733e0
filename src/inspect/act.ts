import { join } from 'node:path';
import { greedyPolicy } from '../agent/ensemble.js';
import { policyShape } from '../agent/registry.js';
import { tf } from '../backend/tf.js';
import { configSchema, type PipelineConfig } from '../config/schema.js';
import { sqlFeatures } from '../data/feature-specs.js';
import { computeFeatures, computePanelFeatures, type FeatureSet } from '../data/features.js';
import { loadPriceSeries } from '../data/load-series.js';
import type { PriceSeries } from '../data/price-series.js';
import { marketView } from '../env/market.js';
import { PanelTradingEnv } from '../env/panel-env.js';
import { panelMarketWith } from '../env/panel-market.js';
import { TradingEnv } from '../env/trading-env.js';
import { CheckpointCorruptError, ConfigError, UsageError } from '../errors/index.js';
import { modelCardSchema, runConfigSchema, type ExperimentLuck, type ModelCard } from '../records/index.js';
import { readJson } from '../store/json-file.js';
import { experimentRecords } from '../store/experiment-records.js';
import { chanceWarning, luckNow } from './ledger-now.js';
import { layout } from '../store/layout.js';
import { loadModelZip, voteOf, type LoadedModel } from '../store/model-zip.js';
import { nextPanelPositions, nextPosition, type NextDecision } from '../training/next-position.js';
import { sha256File } from '../util/hash.js';
import { parseInstant } from '../util/instant.js';
import { PRODUCTION_ITERATION } from '../windows/build-windows.js';

export interface ActOptions {
  /** A newer data file (default: the experiment's): the model's features are computed on it. */
  data?: string;
  /** The positions held now, one for all instruments or one per instrument; default: the policy's own path. */
  held?: number[] | null;
}

/** What `wfo act` answers: the position to hold from the bar after the newest one, per instrument. */
export interface ActAnswer {
  experiment: string;
  model: { file: string; sha256: string; trainedTo: string | null; currentUntil: ModelCard['currentUntil'] };
  data: string;
  /** The newest bar: the decision is taken at its close and applies from the next bar on. */
  asOf: { row: number; date: string | null };
  /** Where the policy's path starts (the production validation start, or the first bar the data allows). */
  pathFrom: { row: number; date: string | null };
  /** Bars after the model's last training bar in this data; past currentUntil.bars the model is stale. */
  barsSinceTraining: number;
  positions: number[];
  instruments: Array<{ symbol: string; held: number; action: number; position: number; scores: number[] }>;
  luck: { verdict: ModelCard['evidence']['luck']['verdict']; sentence: string };
  warnings: string[];
}

/**
 * The production model's decision at the newest bar: its features computed on the data with the run's definitions
 * and its training window's standardisation, the greedy policy run from the production validation start (as the
 * pipeline evaluates it) and one more decision at the last bar.
 */
export async function act(experimentDir: string, options: ActOptions = {}): Promise<ActAnswer> {
  const card = await productionCard(experimentDir);
  const modelPath = join(experimentDir, layout.production.model);
  const model = card.model as NonNullable<ModelCard['model']>;
  // A model file that cannot be read fails the check as a changed one does.
  if ((await sha256File(modelPath).catch(() => null)) !== model.sha256) {
    throw new CheckpointCorruptError(
      modelPath,
      `does not match the sha256 its card records (a run stopped between the two, or an edit); run wfo walkforward on this experiment to train its production model again`,
    );
  }
  const loaded = await loadModelZip(modelPath);
  try {
    const run = runConfigSchema.parse(await readJson(join(experimentDir, layout.config), runConfigSchema));
    if (run.configHash !== card.configHash) {
      throw new UsageError(
        `${join(experimentDir, layout.config)} was written by a later run under another configuration than the production model's; run wfo walkforward on this experiment to finish its production model`,
      );
    }
    const config = configSchema.parse(run.config);
    const dataPath = options.data ?? config.data.path;
    const observation = loaded.metadata.observation;
    if (!observation) throw new UsageError(`${modelPath} does not record how its observations are built`);
    // Every instrument of a panel file is loaded: the model's are picked from them, and a missing one is named.
    const instruments = observation.panel ? { symbols: 'all' as const, symbol: null } : {};
    const source = { ...config.data, ...instruments, path: dataPath, features: sqlFeatures(observation.features) };
    const series = await loadPriceSeries(source).catch((err: unknown) => {
      // The loader's problems (a missing column, a feature's SQL on this file) in one line that names the file.
      if (err instanceof ConfigError) throw new UsageError(`${dataPath}: ${err.problems.join('; ')}`);
      throw err;
    });
    const rows = series.rows;
    checkNewest(card, series, dataPath);
    const from = pathStart(card, series);
    const inputs = { config, loaded, series, dataPath, from, card, held: options.held ?? null };
    const decision = observation.panel ? decidePanel(inputs) : decideSingle(inputs);
    const scores = scoresOf(loaded, decision.observations);
    const barsSinceTraining = barsAfter(series, card);
    const warnings: string[] = [];
    // The model decides for the test segment's bars after its training end: the newest of them at barsSinceTraining test - 1.
    if (barsSinceTraining >= card.currentUntil.bars) {
      warnings.push(
        `the model is ${barsSinceTraining} bars past its training end (${card.data.lastDate ?? `row ${card.data.rows}`}) and was current for ${card.currentUntil.bars}${card.currentUntil.date ? `, until about ${card.currentUntil.date}` : ''}; run walkforward on the newest data to retrain it`,
      );
    }
    const luck = await studyLuck(experimentDir, card);
    const warning = chanceWarning(luck);
    if (warning) warnings.push(warning);
    const positions = [...loaded.metadata.actions];
    return {
      experiment: card.experiment,
      model: { file: model.file, sha256: model.sha256, trainedTo: card.data.lastDate, currentUntil: card.currentUntil },
      data: dataPath,
      asOf: { row: rows - 1, date: series.dates?.[rows - 1] ?? null },
      pathFrom: { row: decision.start, date: series.dates?.[decision.start] ?? null },
      barsSinceTraining,
      positions,
      instruments: decision.symbols.map((symbol, k) => ({
        symbol,
        held: decision.held[k],
        action: decision.actions[k],
        position: positions[decision.actions[k]],
        scores: scores[k],
      })),
      luck: { verdict: luck.verdict, sentence: luck.sentence },
      warnings,
    };
  } finally {
    loaded.model.dispose();
  }
}

async function productionCard(experimentDir: string): Promise<ModelCard> {
  const path = join(experimentDir, layout.production.card);
  const card = await readJson(path, modelCardSchema).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT')
      throw new UsageError(`${path} does not exist: run wfo walkforward on this experiment to train its production model (production.enabled)`);
    throw new UsageError(`${path} is not a readable model card (${err.message}); run wfo walkforward on this experiment to write it again`);
  });
  if (!card.model)
    throw new UsageError(`${path}: no production model qualified on the newest window (${card.reason}); there is no position to act on`);
  return card;
}

/** Refuses data whose newest bar comes before the model's last training bar. */
function checkNewest(card: ModelCard, series: PriceSeries, dataPath: string): void {
  const last = series.dates?.[series.rows - 1] ?? null;
  if (last !== null && card.data.lastDate !== null) {
    if (parseInstant(last) < parseInstant(card.data.lastDate))
      throw new UsageError(`${dataPath}: its newest bar ${last} is older than the production model's training end ${card.data.lastDate}`);
  } else if (series.rows < card.data.rows) {
    throw new UsageError(`${dataPath}: ${series.rows} rows end before the production model's training end (row ${card.data.rows})`);
  }
}

/** The production validation segment's first bar in this data (or training's without validation); row 0 when the data starts later. */
function pathStart(card: ModelCard, series: PriceSeries): number {
  const segment = card.window.validation ?? card.window.train;
  if (!series.dates || !segment.startDate) return Math.min(segment.start, series.rows - 1);
  const t = parseInstant(segment.startDate);
  const row = series.dates.findIndex((d) => parseInstant(d) >= t);
  return row < 0 ? series.rows - 1 : row;
}

function barsAfter(series: PriceSeries, card: ModelCard): number {
  if (!series.dates || card.data.lastDate === null) return Math.max(0, series.rows - card.data.rows);
  const t = parseInstant(card.data.lastDate);
  return series.dates.filter((d) => parseInstant(d) > t).length;
}

/** The features of the data must be the model's, and defined at the last two bars (the path's last step and the decision). */
function checkFeatures(features: FeatureSet, names: readonly string[], dataPath: string, symbol: string | null): void {
  if (features.names.join('\u0000') !== names.join('\u0000')) {
    throw new UsageError(`${dataPath}: its features ${features.names.join(', ')} differ from the production model's ${names.join(', ')}`);
  }
  if (features.firstValidRow > features.rows - 2) {
    throw new UsageError(
      `${dataPath}${symbol ? ` (${symbol})` : ''}: ${features.rows} bars are not enough for the model's features, which need ${features.firstValidRow + 2}`,
    );
  }
}

/** What both decisions read: the run's settings, the model, the newest data and where the policy's path starts. */
interface DecisionInputs {
  config: PipelineConfig;
  loaded: LoadedModel;
  series: PriceSeries;
  dataPath: string;
  from: number;
  card: ModelCard;
  held: number[] | null;
}

type Decision = NextDecision & { symbols: string[]; start: number };

function decideSingle({ config, loaded, series, dataPath, from, card, held }: DecisionInputs): Decision {
  const observation = loaded.metadata.observation as NonNullable<LoadedModel['metadata']['observation']>;
  const features = computeFeatures(series.price, { lookback: observation.lookback }, observation.features, series.features);
  checkFeatures(features, card.observation.features, dataPath, null);
  const end = series.rows;
  const start = Math.min(Math.max(from, features.firstValidRow + 1), end - 1);
  const env = new TradingEnv(marketView(features, observation.standardization), start, end, config.env);
  const policy = greedyPolicy(policyShape(config.agent, env.spaces), loaded.weights, voteOf(loaded));
  try {
    return { ...nextPosition(env, policy, end, heldOf(held, 1, env.positions)?.[0] ?? null), symbols: [series.symbol], start };
  } finally {
    policy.dispose();
  }
}

function decidePanel({ config, loaded, series, dataPath, from, card, held }: DecisionInputs): Decision {
  const observation = loaded.metadata.observation as NonNullable<LoadedModel['metadata']['observation']>;
  const panel = observation.panel as NonNullable<typeof observation.panel>;
  if (!series.panel) throw new UsageError(`${dataPath} holds one instrument; the production model trades a panel of ${panel.symbols.join(', ')}`);
  const loadedSymbols = series.panel.map((i) => i.symbol);
  const missing = panel.symbols.filter((s) => !loadedSymbols.includes(s));
  if (missing.length) throw new UsageError(`${dataPath}: the production model trades ${missing.join(', ')}, which the data does not hold`);
  const featureSets = computePanelFeatures(series, { lookback: observation.lookback }, observation.features);
  const universe = featureSets.flatMap((fs, i) => (panel.symbols.includes(loadedSymbols[i]) ? [{ fs, symbol: loadedSymbols[i] }] : []));
  for (const { fs, symbol } of universe) checkFeatures(fs, featureSets[0].names, dataPath, symbol);
  const end = series.rows;
  const firstValid = Math.max(...universe.map((u) => u.fs.firstValidRow));
  const start = Math.min(Math.max(from, firstValid + 1), end - 1);
  // Inverse-volatility weights are fitted on the production training rows: found by their dates in this data.
  const train = rowsByDates(card.window.train, series);
  if (!train && config.portfolio.weighting === 'inverseVol') {
    const { startDate, endDate } = card.window.train;
    throw new UsageError(
      `${dataPath}: lacks the production training bars ${startDate}..${endDate} the model's inverse-volatility weights are fitted on`,
    );
  }
  const window = { iteration: PRODUCTION_ITERATION, train: train ?? { start, end }, validation: null, test: { start, end }, partial: false };
  const data = panelMarketWith(
    featureSets,
    window,
    panel.symbols,
    loadedSymbols,
    (_fs, i) => panel.standardizations[panel.symbols.indexOf(loadedSymbols[i])],
  );
  const settings = { ...config.env, weighting: config.portfolio.weighting };
  const env = new PanelTradingEnv(data.market, start, end, settings);
  const policy = greedyPolicy(policyShape(config.agent, env.spaces), loaded.weights, voteOf(loaded));
  try {
    const actions = (obs: Float32Array, count: number, out: Int32Array) => {
      for (let k = 0; k < count; k++) out[k] = policy.action(obs.subarray(k * env.obsDim, (k + 1) * env.obsDim));
    };
    return { ...nextPanelPositions(env, actions, end, heldOf(held, env.size, env.positions)), symbols: [...env.symbols], start };
  } finally {
    policy.dispose();
  }
}

/** A segment of the model's data found in this data by its first and last dates; null when either is missing. */
function rowsByDates(segment: ModelCard['window']['train'], series: PriceSeries): { start: number; end: number } | null {
  if (!series.dates || !segment.startDate || !segment.endDate) return segment.end <= series.rows ? { start: segment.start, end: segment.end } : null;
  const start = series.dates.indexOf(segment.startDate);
  const last = series.dates.indexOf(segment.endDate);
  return start >= 0 && last >= start ? { start, end: last + 1 } : null;
}

/** --held: one position for every instrument or one each, each one the model can take. */
function heldOf(held: number[] | null, instruments: number, positions: readonly number[]): number[] | null {
  if (!held) return null;
  if (held.length !== 1 && held.length !== instruments)
    throw new UsageError(`--held: ${held.length} positions for ${instruments} instruments; give one for all or one each`);
  for (const p of held) if (!positions.includes(p)) throw new UsageError(`--held ${p}: the model holds one of ${positions.join(', ')}`);
  return held.length === 1 ? new Array<number>(instruments).fill(held[0]) : held;
}

/** The model's output behind each decision: Q-values of one network, or a vote model's weighted votes. */
function scoresOf(loaded: LoadedModel, observations: Float32Array[]): number[][] {
  if (!observations.length) return [];
  const dim = observations[0].length;
  const flat = new Float32Array(observations.length * dim);
  observations.forEach((o, k) => flat.set(o, k * dim));
  return tf.tidy(() => {
    const out = loaded.model.predict(tf.tensor2d(flat, [observations.length, dim])) as ReturnType<typeof tf.tensor2d>;
    return (out.arraySync() as number[][]).map((row) => row.map((x) => Math.round(x * 1e6) / 1e6));
  });
}

/**
 * The verdict on the study behind the model, as the trial ledger judges it now (configurations tried on the same bars
 * since the card was written count too); the card's own where the summary is not the card's study or cannot be read.
 */
async function studyLuck(experimentDir: string, card: ModelCard): Promise<ExperimentLuck> {
  // No readable summary: the card's evidence is all there is.
  const summary = await experimentRecords(experimentDir)
    .summary()
    .catch(() => null);
  if (!summary || summary.configHash !== card.configHash || summary.dataSha256 !== card.data.sha256) return card.evidence.luck;
  // A ledger that cannot be read now leaves the verdict as the summary recorded it.
  return luckNow(experimentDir, summary).then(
    (now) => now.luck,
    () => summary.luck,
  );
}
