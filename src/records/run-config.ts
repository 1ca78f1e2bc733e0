import { z } from 'zod';
import { FORMAT_VERSION } from './common.js';

export const resumeEventSchema = z.object({
  at: z.string(),
  forced: z.boolean(),
  changes: z.array(z.string()),
  finishedIterations: z.array(z.number().int()),
  /** Rows were appended to the data since the previous start: the earlier iterations were computed on its first rowsBefore. */
  dataAppended: z.object({ rowsBefore: z.number().int(), rowsAfter: z.number().int(), sha256Before: z.string().length(64) }).optional(),
});

/** An instrument a window left out: it lacks bars in it, or (reason warmup, a panel run) its features warm up over the training bars. */
const missingInstrumentSchema = z.object({
  symbol: z.string(),
  missing: z.number().int(),
  first: z.string(),
  reason: z.literal('warmup').optional(),
});

export const runConfigSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  experiment: z.string(),
  seed: z.number().int(),
  configHash: z.string().length(64),
  config: z.record(z.string(), z.unknown()),
  data: z.object({
    file: z.string(),
    sha256: z.string().length(64),
    rows: z.number().int(),
    priceColumn: z.string(),
    symbol: z.string().optional(),
    panel: z.array(z.string()).optional(),
    /** Hashes of the loaded rows in blocks (data/row-content.ts), to recognise rows appended later (absent before issue 26). */
    content: z
      .object({ columns: z.array(z.string()), rows: z.number().int(), blockRows: z.number().int().min(1), blocks: z.array(z.string()) })
      .optional(),
  }),
  /** The look-ahead gate of the features: what it checked, where it cut the data, and its verdict (absent before issue 24). */
  featureGate: z.object({ features: z.array(z.string()), cuts: z.array(z.string()), verdict: z.literal('passed') }).optional(),
  /** Windows that left an instrument out, or filled bars of the traded one (data.align ffill; absent when none did). */
  coverage: z
    .array(
      z.object({
        iteration: z.number().int(),
        leftOut: z.array(missingInstrumentSchema),
        filled: missingInstrumentSchema.nullable(),
      }),
    )
    .optional(),
  backend: z.object({ name: z.string(), tfBackend: z.string(), tfjsVersion: z.string() }),
  versions: z.record(z.string(), z.string()),
  createdAt: z.string(),
  /** Every restart of the experiment: when, whether it was forced past a change, and what changed. */
  resumes: z.array(resumeEventSchema),
});

export type RunConfigRecord = z.infer<typeof runConfigSchema>;
export type ResumeEvent = z.infer<typeof resumeEventSchema>;
