import { z } from 'zod';
import { finite, FORMAT_VERSION, metricsSchema, nullableFinite, savesBlockedSchema, statisticSchema, windowSchema } from './common.js';
import { chanceSummarySchema, performanceSchema } from './iteration.js';
import { resumeEventSchema } from './run-config.js';

export const iterationSummarySchema = z.object({
  iteration: z.number().int().min(1),
  status: z.enum(['model', 'placeholder']),
  window: windowSchema,
  selectionScore: nullableFinite,
  selectionStep: z.number().int().nullable(),
  validation: metricsSchema.nullable(),
  test: metricsSchema,
  buyAndHoldTest: metricsSchema,
  files: z.array(z.string()),
  seconds: z.object({ training: finite, evaluation: finite, preservation: finite }),
  performance: performanceSchema,
});

const psrSchema = z.object({
  psr: nullableFinite,
  sharpe: nullableFinite,
  annualizedSharpe: nullableFinite,
  bars: z.number().int(),
  reason: z.string().nullable(),
});

const verdictCheckSchema = z.object({
  name: z.enum(['psr', 'neweyWestPValue', 'chancePercentile', 'trialsDsr', 'pbo']),
  value: nullableFinite,
  threshold: nullableFinite,
  passed: z.boolean().nullable(),
});

/**
 * The configurations tried on the same data and test bars, from the trial ledger at the results folder's root, and
 * the deflated Sharpe ratio of this run against what luck gives the best of them.
 */
export const ledgerTrialsSchema = z.object({
  /** The ledger counted (`--ledger`), and its file. */
  ledger: z.string(),
  file: z.string(),
  /** K: distinct configurations (config hash and seed) on these bars, this run's included. */
  count: z.number().int().min(0),
  /** Ledger lines of this search (a configuration run twice counts once, with its latest result). */
  runs: z.number().int().min(0),
  sharpeVariance: nullableFinite,
  expectedMaxSharpe: nullableFinite,
  annualizedExpectedMaxSharpe: nullableFinite,
  annualizedBestSharpe: nullableFinite,
  dsr: nullableFinite,
  reason: z.string().nullable(),
});

/**
 * A diagnostic of the validation search, not of the out-of-sample result: how far the kept models' validation
 * Sharpe ratios stand above what luck gives the best of each iteration's N candidates (the DSR on validation).
 */
export const validationSearchSchema = z.object({
  iterations: z.number().int(),
  /** N: mean candidates per iteration behind the kept model. */
  trials: z.number().int(),
  /** Means over the iterations, annualised. */
  keptSharpe: nullableFinite,
  expectedMaxSharpe: nullableFinite,
  /** Mean over the iterations of the kept model's validation DSR, and in how many it reached 0.95. */
  dsr: nullableFinite,
  reaching: z.number().int(),
  reason: z.string().nullable(),
});

/** Whether the experiment's out-of-sample result is distinguishable from luck, with every number behind the answer. */
export const experimentLuckSchema = z.object({
  /** Probabilistic Sharpe ratio of the stitched out-of-sample returns against 0 and against buy-and-hold's. */
  psr: z.object({ vsZero: psrSchema, vsBuyAndHold: psrSchema }),
  /** Summaries before issue 27 deflated the out-of-sample Sharpe by the candidates per iteration. */
  dsr: z
    .object({
      dsr: nullableFinite,
      trials: z.number().int(),
      sharpeVariance: nullableFinite,
      expectedMaxSharpe: nullableFinite,
      annualizedExpectedMaxSharpe: nullableFinite,
      reason: z.string().nullable(),
    })
    .optional(),
  validationSearch: validationSearchSchema.optional(),
  /** Mean out-of-sample return: Newey-West (HAC) and plain t statistics with two-sided p-values. */
  significance: z.object({
    lags: z.number().int(),
    neweyWestT: nullableFinite,
    neweyWestPValue: nullableFinite,
    iidT: nullableFinite,
    iidPValue: nullableFinite,
    reason: z.string().nullable(),
  }),
  /** Probability of backtest overfitting pooled over the iterations' CSCV combinations. */
  pbo: z.object({ pbo: nullableFinite, combinations: z.number().int(), iterations: z.number().int(), reason: z.string().nullable() }),
  /** Random position sequences over the stitched bars with the strategy's number of position changes. */
  chance: chanceSummarySchema,
  /** Mean validation score of the untrained networks beside the mean selection score of the kept models. */
  untrained: z.object({ meanScore: nullableFinite, keptMeanScore: nullableFinite, iterations: z.number().int() }),
  /** The configurations tried on these bars (absent in summaries before issue 27, null where no ledger was kept). */
  trials: ledgerTrialsSchema.nullable().optional(),
  verdict: z.enum(['distinguishable from chance', 'indistinguishable from chance']),
  sentence: z.string(),
  /** Each number the verdict weighed, with its threshold (absent before issue 27). */
  checks: z.array(verdictCheckSchema).optional(),
});

export const walkforwardSummarySchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  experiment: z.string(),
  seed: z.number().int(),
  configHash: z.string().length(64),
  dataSha256: z.string().length(64),
  backend: z.string(),
  windows: z.array(windowSchema),
  iterations: z.array(iterationSummarySchema),
  qualified: z.number().int(),
  placeholders: z.number().int(),
  stitched: z.object({ bars: z.number().int(), strategy: metricsSchema, buyAndHold: metricsSchema }),
  walkForwardEfficiency: statisticSchema,
  tStatistic: statisticSchema,
  luck: experimentLuckSchema,
  bestIteration: z.number().int().nullable(),
  resumes: z.array(resumeEventSchema),
  /** Largest resident memory any iteration of this experiment reported. */
  peakRssBytes: z.number().int(),
  /**
   * Saves over all iterations: the median of the iterations' median blocked milliseconds, the largest, how many,
   * and the share of iteration time training waited for them (seconds-weighted).
   */
  savesBlockedMs: savesBlockedSchema.optional(),
  /**
   * A panel run: each instrument over the stitched bars of the windows that traded it, with its contribution to the
   * portfolio (the sum over those bars of its weight times its return after costs).
   */
  panel: z
    .object({
      instruments: z.array(z.object({ symbol: z.string(), bars: z.number().int(), contribution: finite, metrics: metricsSchema })),
    })
    .optional(),
  totalSeconds: finite,
  finishedAt: z.string(),
});

/** The few numbers of a metrics record that listings and analyses need, kept in the index. */
export type WalkforwardSummary = z.infer<typeof walkforwardSummarySchema>;
export type ExperimentLuck = z.infer<typeof experimentLuckSchema>;
export type LedgerTrials = z.infer<typeof ledgerTrialsSchema>;
export type ValidationSearch = z.infer<typeof validationSearchSchema>;
