import { z } from 'zod';
import {
  diagnosticsSchema,
  fileRefSchema,
  finite,
  FORMAT_VERSION,
  metricsSchema,
  nullableFinite,
  savesBlockedSchema,
  selectionMetrics,
  windowSchema,
} from './common.js';
import { finalEpsilonAsDiagnostics } from './legacy.js';

/** An iteration's record (metrics_iter_N.json or no_model_iter_N.json) and what it is made of: candidates, training, selection, luck. */
export const candidateSchema = z.object({
  step: z.number().int().min(0),
  /** Gradient updates the network had taken; a candidate always has at least one (0: the untrained reference). */
  updates: z.number().int().min(0),
  score: nullableFinite,
  metrics: metricsSchema,
  /** Per-bar returns on the scored segment, float32 base64 (records/float-codec.ts): what PBO is computed from. */
  returns: z.string(),
  /** The training seed whose agent this was (training.seeds); absent: seed 0 (records of one-seed runs). */
  seed: z.number().int().min(0).optional(),
});

/** Random policies with the kept model's turnover on one segment, and where the kept model falls among them. */
export const chanceSummarySchema = z.object({
  draws: z.number().int(),
  changes: z.number().int(),
  bars: z.number().int(),
  p5: nullableFinite,
  p50: nullableFinite,
  p95: nullableFinite,
  keptSharpe: nullableFinite,
  keptPercentile: nullableFinite,
  reason: z.string().nullable(),
});

/** How likely it is that an iteration's result is luck. */
export const iterationLuckSchema = z.object({
  chance: z.object({ validation: chanceSummarySchema.nullable(), test: chanceSummarySchema.nullable() }),
  /** Probability of backtest overfitting by CSCV over the candidates' per-bar validation returns. */
  pbo: z.object({
    pbo: nullableFinite,
    combinations: z.number().int(),
    candidates: z.number().int(),
    partitions: z.number().int().nullable(),
    reason: z.string().nullable(),
  }),
});

const segmentMetricsSchema = z.object({
  train: metricsSchema,
  validation: metricsSchema.nullable(),
  test: metricsSchema,
});

export const outOfSampleSchema = z.object({
  rows: z.array(z.number().int()),
  positions: z.array(finite),
  returns: z.array(finite),
  /** The instrument's own simple return of each bar (buy-and-hold without costs); a panel's: the weighted universe's. */
  marketReturns: z.array(finite),
  /**
   * A panel run: the test segment per instrument of the window's universe. positions and returns are bars x
   * instruments, row-major by bar; an instrument's contribution is the sum over the bars of its weight times its
   * return (the contributions add up to the sum of the portfolio's returns).
   */
  panel: z
    .object({
      symbols: z.array(z.string()),
      weights: z.array(finite),
      positions: z.array(finite),
      returns: z.array(finite),
      marketReturns: z.array(finite),
      contributions: z.array(finite),
      metrics: z.array(metricsSchema),
    })
    .optional(),
});

export const historySchema = z.object({
  every: z.number().int(),
  /** Each sample's step and the agent's diagnostics by name (null: nothing to report in that interval). */
  points: z.array(z.object({ step: z.number().int() }).catchall(nullableFinite)),
  episodes: z.array(z.object({ step: z.number().int(), reward: finite })),
});

/** The training curves as records keep them (training/history.ts adds the interval in progress while training). */
export type RecordedHistory = z.infer<typeof historySchema>;

export const performanceSchema = z.object({
  stepsPerSecond: finite,
  updatesPerSecond: finite,
  /** Seconds per phase in this process (a resumed iteration counts only the part after the resume). */
  /** Seconds per phase; plotting is the snapshot plots drawn on the training thread (hand-offs, with workers). */
  phases: z.object({ action: finite, environment: finite, training: finite, evaluation: finite, saving: finite, plotting: finite.optional() }),
  /**
   * Milliseconds training waited per save, training checkpoints and current bests (median, max, count), and their
   * sum as a share of the iteration's seconds in this process; absent in records written before saves went to the
   * background.
   */
  savesBlockedMs: savesBlockedSchema.optional(),
  rssBytes: z.number().int(),
  heapUsedBytes: z.number().int(),
});

export const trainingRecordSchema = z.preprocess(
  finalEpsilonAsDiagnostics,
  z.object({
    seed: z.number().int(),
    timesteps: z.number().int(),
    updates: z.number().int(),
    episodes: z.number().int(),
    /** The agent's state diagnostics when training ended, by name (DQN: its exploration rate). */
    diagnostics: diagnosticsSchema,
    warmStartFrom: z.number().int().nullable(),
    seconds: finite,
    history: historySchema,
    performance: performanceSchema,
    /**
     * Present with training.seeds >= 2: each seed's agent. Then updates, episodes and seconds above are their sums,
     * timesteps is per agent, and seed, diagnostics, history and performance are seed 0's.
     */
    seeds: z
      .array(
        z.preprocess(
          finalEpsilonAsDiagnostics,
          z.object({
            seed: z.number().int().min(0),
            rngSeed: z.number().int(),
            timesteps: z.number().int(),
            updates: z.number().int(),
            episodes: z.number().int(),
            diagnostics: diagnosticsSchema,
            seconds: finite,
          }),
        ),
      )
      .optional(),
  }),
);

/** A member of a majority vote (selection.ensemble=vote): one seed's best candidate. */
export const voteMemberSchema = z.object({ seed: z.number().int().min(0), step: z.number().int().min(0), score: nullableFinite });

export const selectionRecordSchema = z.object({
  metric: z.enum(selectionMetrics),
  on: z.enum(['best', 'last']),
  scoredOn: z.enum(['validation', 'train']),
  minScore: finite,
  mustBeatBuyAndHold: z.boolean(),
  buyAndHoldScore: nullableFinite,
  score: nullableFinite,
  step: z.number().int().nullable(),
  qualified: z.boolean(),
  /** Every candidate of every seed, each tagged with its seed. */
  candidates: z.array(candidateSchema),
  /** The network before its first gradient step, scored the same way: a reference, never a candidate (seed 0's). */
  untrained: candidateSchema.nullable(),
  /** Where the kept model comes from: a seed's best, or 'vote' (selection.ensemble=vote); absent: seed 0. */
  kept: z.union([z.number().int().min(0), z.literal('vote')]).optional(),
  /** With selection.ensemble=vote: the vote scored like a candidate (step: the end of training, updates: the members' sum) and its members. */
  vote: z.object({ candidate: candidateSchema, members: z.array(voteMemberSchema) }).optional(),
  /** With training.seeds >= 2: the untrained reference of each seed. */
  untrainedBySeed: z.array(candidateSchema.nullable()).optional(),
});

export const modelRecordSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  kind: z.literal('model'),
  experiment: z.string(),
  iteration: z.number().int().min(1),
  window: windowSchema,
  model: fileRefSchema,
  selection: selectionRecordSchema,
  metrics: segmentMetricsSchema,
  buyAndHold: segmentMetricsSchema,
  outOfSample: outOfSampleSchema,
  training: trainingRecordSchema,
  luck: iterationLuckSchema,
  createdAt: z.string(),
});

export const placeholderRecordSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  kind: z.literal('placeholder'),
  experiment: z.string(),
  iteration: z.number().int().min(1),
  window: windowSchema,
  reason: z.string(),
  criteria: z.object({ metric: z.string(), minScore: finite, mustBeatBuyAndHold: z.boolean() }),
  bestCandidate: candidateSchema.nullable(),
  selection: selectionRecordSchema,
  fallback: z.enum(['flat', 'buy_and_hold']),
  metrics: z.object({ test: metricsSchema }),
  buyAndHold: segmentMetricsSchema,
  outOfSample: outOfSampleSchema,
  training: trainingRecordSchema,
  luck: iterationLuckSchema,
  createdAt: z.string(),
});

export const iterationRecordSchema = z.discriminatedUnion('kind', [modelRecordSchema, placeholderRecordSchema]);

/**
 * What one finished seed of an iteration found (iterations/iter_N/seed_K_result.json, training.seeds >= 2): a
 * resumed iteration reads it instead of training the seed again. Removed with the iteration folder.
 */
export const seedResultSchema = z.preprocess(
  finalEpsilonAsDiagnostics,
  z.object({
    formatVersion: z.literal(FORMAT_VERSION),
    // 0: the production window's.
    iteration: z.number().int().min(0),
    seed: z.number().int().min(0),
    rngSeed: z.number().int(),
    configHash: z.string(),
    /** The data it was trained on (absent before issue 26): the production window moves when the data grows. */
    dataSha256: z.string().optional(),
    candidates: z.array(candidateSchema),
    best: candidateSchema.nullable(),
    untrained: candidateSchema.nullable(),
    scoredOn: z.enum(['validation', 'train']),
    timesteps: z.number().int(),
    updates: z.number().int(),
    episodes: z.number().int(),
    diagnostics: diagnosticsSchema,
    seconds: finite,
    history: historySchema,
    performance: performanceSchema,
    resumedFrom: z.string().nullable(),
  }),
);

export type ModelRecord = z.infer<typeof modelRecordSchema>;
export type PlaceholderRecord = z.infer<typeof placeholderRecordSchema>;
export type IterationRecord = z.infer<typeof iterationRecordSchema>;
export type IterationPerformance = z.infer<typeof performanceSchema>;
export type Candidate = z.infer<typeof candidateSchema>;
export type ChanceSummary = z.infer<typeof chanceSummarySchema>;
export type IterationLuck = z.infer<typeof iterationLuckSchema>;
export type SeedResult = z.infer<typeof seedResultSchema>;
