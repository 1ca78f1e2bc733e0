import { z } from 'zod';
import { finite, FORMAT_VERSION, metricsSchema } from './common.js';
import { ledgerTrialsSchema } from './summary.js';

/** Every JSON file of the cluster and of studies; numbers are finite or null, as in every record. */
const nullableFinite = finite.nullable();

/** iterations/iter_N/failure.json: an iteration whose queue job failed on its last attempt. */
export const iterationFailureSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  experiment: z.string(),
  iteration: z.number().int().min(1),
  jobId: z.string(),
  attempts: z.number().int().min(0),
  error: z.string(),
  failedAt: z.string(),
});
export type IterationFailure = z.infer<typeof iterationFailureSchema>;

/** A setting of a study point: a dotted config key and its value. */
const settingsSchema = z.record(z.string(), z.unknown());

/** Points of the sweep file that compute the same as an earlier point: they run, and count as trials, once. */
const duplicatesSchema = z.array(z.object({ settings: settingsSchema, sameAs: z.string() })).default([]);

/** study.json: the points of a study as planned, written before any of them runs. */
export const studyManifestSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  study: z.string(),
  base: z.string().nullable(),
  points: z.array(z.object({ id: z.string(), settings: settingsSchema })),
  duplicates: duplicatesSchema,
  createdAt: z.string(),
});
export type StudyManifest = z.infer<typeof studyManifestSchema>;

export const studyPointSchema = z.object({
  id: z.string(),
  settings: settingsSchema,
  status: z.enum(['finished', 'failed', 'missing']),
  /** Why a point has no results (its failure, or that it has not run). */
  problem: z.string().nullable(),
  seed: z.number().int().nullable(),
  iterations: z.number().int().min(0),
  qualified: z.number().int().min(0),
  stitched: z.object({ bars: z.number().int(), strategy: metricsSchema, buyAndHold: metricsSchema }).nullable(),
  /** Sharpe of the stitched out-of-sample returns per bar (not annualised), as the trial statistics use it. */
  perBarSharpe: nullableFinite,
});
export type StudyPoint = z.infer<typeof studyPointSchema>;

/** Points that differ only in their seed, and how much their stitched out-of-sample Sharpe spreads. */
export const seedSpreadSchema = z.object({
  settings: settingsSchema,
  points: z.array(z.string()),
  seeds: z.array(z.number().int()),
  sharpe: z.object({ mean: nullableFinite, sd: nullableFinite, min: nullableFinite, max: nullableFinite }),
  totalReturn: z.object({ mean: nullableFinite, sd: nullableFinite, min: nullableFinite, max: nullableFinite }),
});

const statistic = z.object({ value: nullableFinite, reason: z.string().nullable() });

/** study_summary.json: one row per point, the spread across seeds and the statistics that count the trials. */
export const studySummarySchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  study: z.string(),
  points: z.array(studyPointSchema),
  duplicates: duplicatesSchema,
  seedSpread: z.array(seedSpreadSchema),
  trials: z.object({
    count: z.number().int().min(0),
    /** The finished point with the highest out-of-sample Sharpe among those that traded; null with bestReason when none did. */
    best: z.string().nullable(),
    bestReason: z.string().nullable().default(null),
    sharpeVariance: nullableFinite,
    deflatedSharpe: statistic.extend({ expectedMaxSharpe: nullableFinite, sharpe: nullableFinite }),
    pbo: statistic.extend({ partitions: z.number().int().nullable(), combinations: z.number().int(), bars: z.number().int() }),
  }),
  /**
   * The best point as its trial ledger judges it: every configuration tried on its data and test bars (the other
   * points and the runs before the sweep), the deflated Sharpe ratio and the verdict. Null without a best point.
   */
  ledger: z
    .object({
      point: z.string(),
      trials: ledgerTrialsSchema,
      verdict: z.enum(['distinguishable from chance', 'indistinguishable from chance']),
      sentence: z.string(),
    })
    .nullable()
    .optional(),
  createdAt: z.string(),
});
export type StudySummary = z.infer<typeof studySummarySchema>;
