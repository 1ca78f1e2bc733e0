import { z } from 'zod';
import { agentSchema } from '../agent/config.js';
import { LEDGER_NAME, selectionMetrics } from '../records/index.js';
import { backendNames } from '../backend/names.js';
import { dataSchema, featuresSchema } from '../data/config.js';
import { envSchema, portfolioSchema } from '../env/config.js';
import { windowsSchema } from '../windows/config.js';

export { backendNames, dataSchema, envSchema, featuresSchema, portfolioSchema, windowsSchema };

/**
 * The one configuration schema, composed of the sections each layer owns (data/config.ts, windows/config.ts,
 * env/config.ts, agent/config.ts) and those of the run itself. Every field has a description and a default;
 * `npm run docs:config` turns it into the settings table of docs/guide/settings.md.
 */
const int = () => z.number().int();

export const trainingSchema = z
  .object({
    timesteps: int().min(1).default(10_000).describe('Environment steps of training per iteration (a panel: dates, each a step of every instrument)'),
    evalFreq: int().min(1).default(1000).describe('Steps between greedy evaluations on the validation segment'),
    warmStart: z.boolean().default(false).describe("Start each iteration from the previous iteration's preserved model"),
    seeds: int().min(1).default(1).describe('Agents trained per window, one after another, each from its own derived seed (1: a single agent)'),
  })
  .strict();

export const selectionSchema = z
  .object({
    metric: z.enum(selectionMetrics).default('sharpe').describe('Validation metric that picks the iteration best'),
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

export const productionSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('After the study, train the procedure once more on the newest window (ending at the last bar): production/model.zip and its card'),
  })
  .strict();

export const ledgerSchema = z
  .object({
    name: z
      .string()
      .regex(LEDGER_NAME, "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit")
      .default('default')
      .describe(
        'Trial ledger the finished run is counted in (<resultsDir>/_ledgers/<name>.jsonl, --ledger): the configurations tried on the same data and test bars deflate the verdict',
      ),
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
    portfolio: portfolioSchema.prefault({}),
    agent: agentSchema.prefault({}),
    training: trainingSchema.prefault({}),
    selection: selectionSchema.prefault({}),
    production: productionSchema.prefault({}),
    ledger: ledgerSchema.prefault({}),
    checkpoint: checkpointSchema.prefault({}),
    saving: savingSchema.prefault({}),
    logging: loggingSchema.prefault({}),
  })
  .strict();

export type PipelineConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type { DataConfig, FeaturesConfig } from '../data/config.js';
export type { WindowsConfig } from '../windows/config.js';
export type { EnvConfig, PortfolioConfig } from '../env/config.js';
export type { AgentConfig } from '../agent/config.js';
export type TrainingConfig = PipelineConfig['training'];
export type SelectionConfig = PipelineConfig['selection'];
export type { BackendName } from '../backend/names.js';
