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

/** Whether the experiment's out-of-sample result is distinguishable from luck, with every number behind the answer. */
export const experimentLuckSchema = z.object({
  /** Probabilistic Sharpe ratio of the stitched out-of-sample returns against 0 and against buy-and-hold's. */
  psr: z.object({ vsZero: psrSchema, vsBuyAndHold: psrSchema }),
  /** Deflated Sharpe ratio given every candidate tried and the variance of their validation Sharpe ratios. */
  dsr: z.object({
    dsr: nullableFinite,
    trials: z.number().int(),
    sharpeVariance: nullableFinite,
    expectedMaxSharpe: nullableFinite,
    annualizedExpectedMaxSharpe: nullableFinite,
    reason: z.string().nullable(),
  }),
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
  verdict: z.enum(['distinguishable from chance', 'indistinguishable from chance']),
  sentence: z.string(),
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
