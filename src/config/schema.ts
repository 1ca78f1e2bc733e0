import { z } from 'zod';
import { agentSchema } from '../agent/config.js';

/**
 * The one configuration schema. Every field has a description and a default; `npm run docs:config` turns this
 * file into the settings table of the README. Agent defaults follow Stable-Baselines3's DQN, except where daily
 * data and the reference workload of ../shared/bench call for other values (each noted in its description).
 */
const int = () => z.number().int();

export const dataSchema = z
  .object({
    path: z.string().min(1).default('data/sp500-2000.csv').describe('CSV file with the price series'),
    priceColumn: z.string().min(1).default('close').describe('Column that is traded (case-insensitive)'),
    dateColumn: z.string().min(1).default('date').describe('Date column, used when present (case-insensitive)'),
    fillMissing: z
      .enum(['none', 'ffill'])
      .default('none')
      .describe('Empty or NaN cells: none = error naming the line; ffill = carry the previous value forward'),
    periodsPerYear: z.number().positive().default(252).describe('Bars per year, for annualized metrics'),
    riskFreeRate: z.number().min(-1).max(1).default(0).describe('Annual risk-free rate used by Sharpe and Sortino'),
  })
  .strict();

export const featuresSchema = z
  .object({
    extra: z
      .array(z.enum(['volatility', 'rsi', 'smaRatio']))
      .default([])
      .describe('Extra features after the lookback returns: rolling volatility, RSI, price/SMA - 1'),
    volatilityWindow: int().min(2).default(20).describe('Bars in the rolling volatility'),
    rsiWindow: int().min(2).default(14).describe('Bars in the RSI'),
    smaWindow: int().min(2).default(20).describe('Bars in the simple moving average of price/SMA'),
  })
  .strict();

export const windowsSchema = z
  .object({
    mode: z
      .enum(['rolling', 'anchored'])
      .default('rolling')
      .describe('rolling: fixed train length; anchored: train always starts at row 0 and grows'),
    train: int().min(1).default(1000).describe('Rows in the training segment (rolling), or of the first window (anchored)'),
    validation: int().min(0).default(250).describe('Rows in the validation segment (0 = none; needs selection.on=last)'),
    test: int().min(1).default(250).describe('Rows in the out-of-sample test segment'),
    step: int().min(1).nullable().default(null).describe('Rows between window starts (null = test, so test segments tile)'),
    gap: int().min(0).default(0).describe('Purge rows left out between consecutive segments'),
    maxIterations: int().min(1).nullable().default(null).describe('Stop after this many windows (null = as many as fit)'),
    partialLast: z
      .enum(['drop', 'keep'])
      .default('drop')
      .describe('A last window whose test segment is shorter than test: drop it, or keep it shortened'),
  })
  .strict();

export const envSchema = z
  .object({
    lookback: int().min(1).max(1000).default(5).describe('Past log returns in each observation (the study in the README chose 5 over 30)'),
    allowShort: z.boolean().default(true).describe('Actions short/flat/long (true) or flat/long (false)'),
    costBps: z.number().min(0).max(1000).default(10).describe('Commission per unit of position change, basis points'),
    slippageBps: z.number().min(0).max(1000).default(0).describe('Slippage per unit of position change, basis points'),
  })
  .strict();

export const trainingSchema = z
  .object({
    timesteps: int().min(1).default(10_000).describe('Environment steps of training per iteration'),
    evalFreq: int().min(1).default(1000).describe('Steps between greedy evaluations on the validation segment'),
    warmStart: z.boolean().default(false).describe("Start each iteration from the previous iteration's preserved model"),
    seeds: int().min(1).default(1).describe('Agents trained per window, one after another, each from its own derived seed (1: a single agent)'),
  })
  .strict();

export const selectionSchema = z
  .object({
    metric: z.enum(['sharpe', 'sortino', 'totalReturn', 'calmar']).default('sharpe').describe('Validation metric that picks the iteration best'),
    on: z.enum(['best', 'last']).default('best').describe('best: best validation score; last: the final model'),
    minScore: z.number().default(0).describe('A model qualifies when its score is at least this'),
    mustBeatBuyAndHold: z.boolean().default(false).describe('A model qualifies only if it beats buy-and-hold on validation'),
    fallback: z
      .enum(['flat', 'buy_and_hold'])
      .default('flat')
      .describe('What the strategy holds in a test segment whose iteration has no qualifying model'),
    ensemble: z
      .enum(['none', 'vote'])
      .default('none')
      .describe("none: keep the best candidate of all seeds; vote: keep the majority vote of the seeds' bests (needs training.seeds >= 2)"),
  })
  .strict();

export const checkpointSchema = z
  .object({
    saveReplayBuffer: z.boolean().default(true).describe('Training checkpoints include the replay buffer (exact resume)'),
    keepTraining: int().min(1).default(3).describe('Training checkpoints kept per iteration (newest)'),
  })
  .strict();

export const savingSchema = z
  .object({
    nModelSaves: int().min(1).default(20).describe('Training checkpoints spread evenly over the whole experiment (crash recovery)'),
    nImageSaves: int().min(1).default(100).describe('Plot refreshes spread evenly over the experiment'),
    nProgressUpdates: int().min(1).default(50).describe('Progress reports spread evenly over the experiment'),
  })
  .strict();

export const loggingSchema = z
  .object({
    tensorboard: z.boolean().default(true).describe('TensorBoard event files under results/<id>/tensorboard/ (per iteration and per experiment)'),
  })
  .strict();

export const backendNames = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

export const configSchema = z
  .object({
    seed: int()
      .min(0)
      .max(2 ** 31 - 1)
      .nullable()
      .default(null)
      .describe('Master seed (null = derived from the experiment id)'),
    backend: z.enum(backendNames).default('auto').describe('TensorFlow.js backend; auto = best available'),
    resultsDir: z.string().min(1).default('results').describe('Parent folder of experiment folders'),
    data: dataSchema.prefault({}),
    features: featuresSchema.prefault({}),
    windows: windowsSchema.prefault({}),
    env: envSchema.prefault({}),
    agent: agentSchema.prefault({}),
    training: trainingSchema.prefault({}),
    selection: selectionSchema.prefault({}),
    checkpoint: checkpointSchema.prefault({}),
    saving: savingSchema.prefault({}),
    logging: loggingSchema.prefault({}),
  })
  .strict();

export type PipelineConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type DataConfig = PipelineConfig['data'];
export type FeaturesConfig = PipelineConfig['features'];
export type WindowsConfig = PipelineConfig['windows'];
export type EnvConfig = PipelineConfig['env'];
export type { AgentConfig } from '../agent/config.js';
export type TrainingConfig = PipelineConfig['training'];
export type SelectionConfig = PipelineConfig['selection'];
export type BackendName = (typeof backendNames)[number];
