import { z } from 'zod';
import { fileRefSchema, FORMAT_VERSION, nullableFinite, statisticSchema, windowSchema } from './common.js';

export const metricDigestSchema = z.object({
  sharpe: nullableFinite,
  sortino: nullableFinite,
  totalReturn: nullableFinite,
  cagr: nullableFinite,
  maxDrawdown: nullableFinite,
  annualVolatility: nullableFinite,
});

/** One iteration's outcome in brief: what the index stores for metrics and placeholder records. */
export const iterationDigestSchema = z.object({
  iteration: z.number().int().min(1),
  status: z.enum(['model', 'placeholder']),
  selectionMetric: z.string(),
  selectionScore: nullableFinite,
  selectionStep: z.number().int().nullable(),
  reason: z.string().nullable(),
  window: windowSchema,
  validation: metricDigestSchema.nullable(),
  test: metricDigestSchema,
  buyAndHoldTest: metricDigestSchema,
  model: fileRefSchema.nullable(),
  /** Validation score of the network before any gradient step (null for records of older versions). */
  untrainedScore: nullableFinite.optional(),
  /** The kept model's percentile among random policies with its turnover on the test segment. */
  testChancePercentile: nullableFinite.optional(),
});

export const checkpointEntrySchema = z.object({
  iteration: z.number().int().min(1),
  /** pruned: the model zip was removed by cleanup; its record and metrics remain. */
  status: z.enum(['model', 'placeholder', 'pruned', 'corrupt', 'missing']),
  file: z.string(),
  size: z.number().int().min(0),
  sha256: z.string().length(64),
  validation: metricDigestSchema.nullable(),
  test: metricDigestSchema,
  best: z.boolean(),
});

const describeSchema = z.object({
  count: z.number().int(),
  mean: nullableFinite,
  std: nullableFinite,
  min: nullableFinite,
  median: nullableFinite,
  max: nullableFinite,
});

export const checkpointAnalysisSchema = z.object({
  iterations: z.number().int(),
  withModel: z.number().int(),
  placeholders: z.number().int(),
  validationSharpe: describeSchema,
  testSharpe: describeSchema,
  validationReturn: describeSchema,
  testReturn: describeSchema,
  bestByValidation: z.number().int().nullable(),
  /** Hindsight only: which iteration's model did best on test. A diagnostic of selection, never a way to choose. */
  diagnostics: z.object({ bestByTestInHindsight: z.number().int().nullable(), note: z.string() }),
  testSharpeSlope: statisticSchema,
  validationTestCorrelation: statisticSchema,
});

export const checkpointSummarySchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  experiment: z.string(),
  checkpoints: z.array(checkpointEntrySchema),
  analysis: checkpointAnalysisSchema,
  createdAt: z.string(),
});

export type CheckpointSummary = z.infer<typeof checkpointSummarySchema>;
export type CheckpointAnalysis = z.infer<typeof checkpointAnalysisSchema>;
export type MetricDigest = z.infer<typeof metricDigestSchema>;
export type IterationDigest = z.infer<typeof iterationDigestSchema>;
