import { z } from 'zod';
import { FORMAT_VERSION, fileRefSchema, metricsSchema, nullableFinite, segmentSchema } from './common.js';
import { experimentLuckSchema } from './summary.js';

/**
 * production/model_card.json: what the production model is (or why there is none), what it was trained on, how its
 * observations are built, and the walk-forward evidence behind trading it.
 */
export const modelCardSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  experiment: z.string(),
  createdAt: z.string(),
  /** model: production/model.zip holds the procedure's choice on the newest window; none: no candidate qualified. */
  status: z.enum(['model', 'none']),
  /** Why the kept model qualified, or why none did (the study's selection criteria). */
  reason: z.string(),
  model: fileRefSchema.nullable(),
  configHash: z.string().length(64),
  algorithm: z.string(),
  data: z.object({
    path: z.string(),
    sha256: z.string().length(64),
    rows: z.number().int().min(1),
    firstDate: z.string().nullable(),
    lastDate: z.string().nullable(),
  }),
  /** The newest window: training and validation, validation (or training) ending at the data's last bar. */
  window: z.object({ train: segmentSchema, validation: segmentSchema.nullable() }),
  /** The model is current for one test segment after the last bar: that many bars, and the date estimated from the bar spacing. */
  currentUntil: z.object({ bars: z.number().int().min(1), date: z.string().nullable() }),
  /** Action index to position (a fraction of capital, short negative). */
  positions: z.array(z.number()),
  /** The instruments a panel model trades; null for one instrument. */
  instruments: z.array(z.string()).nullable(),
  /** Features and the training window's standardisation, as the model file's metadata records them. */
  observation: z.object({ features: z.array(z.string()), settings: z.unknown() }),
  selection: z.object({
    metric: z.string(),
    scoredOn: z.enum(['validation', 'train']),
    score: nullableFinite,
    step: z.number().int().nullable(),
    buyAndHoldScore: nullableFinite,
    metrics: metricsSchema.nullable(),
  }),
  /** The study that justifies trading the procedure: its stitched out-of-sample result and whether it beats luck. */
  evidence: z.object({
    iterations: z.number().int(),
    qualified: z.number().int(),
    bars: z.number().int(),
    strategy: metricsSchema,
    buyAndHold: metricsSchema,
    luck: experimentLuckSchema,
  }),
  /** Plain words a trader must read first: set when the study is indistinguishable from chance. */
  warning: z.string().nullable(),
});

export type ModelCard = z.infer<typeof modelCardSchema>;
