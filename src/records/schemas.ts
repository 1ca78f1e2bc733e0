import { z } from 'zod';

/** Every JSON file the pipeline writes has a schema here and a formatVersion; numbers are finite or null. */
export const FORMAT_VERSION = 1 as const;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

/** What training waited for its saves: median and largest milliseconds per save, how many, and the share of time. */
const savesBlockedSchema = z.object({ median: finite, max: finite, count: z.number().int().nonnegative(), share: finite });

const nullableFinite = finite.nullable();

export const metricsSchema = z.object({
  bars: z.number().int().min(0),
  totalReturn: nullableFinite,
  cagr: nullableFinite,
  annualVolatility: nullableFinite,
  sharpe: nullableFinite,
  sortino: nullableFinite,
  maxDrawdown: nullableFinite,
  calmar: nullableFinite,
  numTrades: z.number().int().min(0),
  turnover: nullableFinite,
  exposure: nullableFinite,
  winRateTrades: nullableFinite,
  winRatePeriods: nullableFinite,
  nullReasons: z.record(z.string(), z.string()),
});

export const segmentSchema = z.object({
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
});

export const windowSchema = z.object({
  iteration: z.number().int().min(1),
  train: segmentSchema,
  validation: segmentSchema.nullable(),
  test: segmentSchema,
  partial: z.boolean(),
});

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
  /** The instrument's own simple return of each bar (buy-and-hold without costs). */
  marketReturns: z.array(finite),
});

/** Named numbers an agent reports (see Agent.stateDiagnostics). */
export const diagnosticsSchema = z.record(z.string(), finite);

export const historySchema = z.object({
  every: z.number().int(),
  /** Each sample's step and the agent's diagnostics by name (null: nothing to report in that interval). */
  points: z.array(z.object({ step: z.number().int() }).catchall(nullableFinite)),
  episodes: z.array(z.object({ step: z.number().int(), reward: finite })),
});

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

export const trainingRecordSchema = z.object({
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
      z.object({
        seed: z.number().int().min(0),
        rngSeed: z.number().int(),
        timesteps: z.number().int(),
        updates: z.number().int(),
        episodes: z.number().int(),
        diagnostics: diagnosticsSchema,
        seconds: finite,
      }),
    )
    .optional(),
});

/** A member of a majority vote (selection.ensemble=vote): one seed's best candidate. */
export const voteMemberSchema = z.object({ seed: z.number().int().min(0), step: z.number().int().min(0), score: nullableFinite });

export const selectionRecordSchema = z.object({
  metric: z.enum(['sharpe', 'sortino', 'totalReturn', 'calmar']),
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

const fileRefSchema = z.object({ file: z.string(), sha256: z.string().length(64), size: z.number().int().min(0) });

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
export const seedResultSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  iteration: z.number().int().min(1),
  seed: z.number().int().min(0),
  rngSeed: z.number().int(),
  configHash: z.string(),
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
});

export const bestModelSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  experiment: z.string(),
  iteration: z.number().int().min(1),
  file: z.literal('best_model.zip'),
  sha256: z.string().length(64),
  metric: z.string(),
  score: finite,
  reason: z.string(),
  updatedAt: z.string(),
});

export const resumeEventSchema = z.object({
  at: z.string(),
  forced: z.boolean(),
  changes: z.array(z.string()),
  finishedIterations: z.array(z.number().int()),
});

export const runConfigSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  experiment: z.string(),
  seed: z.number().int(),
  configHash: z.string().length(64),
  config: z.record(z.string(), z.unknown()),
  data: z.object({ file: z.string(), sha256: z.string().length(64), rows: z.number().int(), priceColumn: z.string() }),
  backend: z.object({ name: z.string(), tfBackend: z.string(), tfjsVersion: z.string() }),
  versions: z.record(z.string(), z.string()),
  createdAt: z.string(),
  /** Every restart of the experiment: when, whether it was forced past a change, and what changed. */
  resumes: z.array(resumeEventSchema),
});

export const statisticSchema = z.object({ value: nullableFinite, reason: z.string().nullable() });

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
  totalSeconds: finite,
  finishedAt: z.string(),
});

/** The few numbers of a metrics record that listings and analyses need, kept in the index. */
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

export type ModelRecord = z.infer<typeof modelRecordSchema>;
export type PlaceholderRecord = z.infer<typeof placeholderRecordSchema>;
export type IterationRecord = z.infer<typeof iterationRecordSchema>;
export type BestModelRecord = z.infer<typeof bestModelSchema>;
export type RunConfigRecord = z.infer<typeof runConfigSchema>;
export type WalkforwardSummary = z.infer<typeof walkforwardSummarySchema>;
export type CheckpointSummary = z.infer<typeof checkpointSummarySchema>;
export type CheckpointAnalysis = z.infer<typeof checkpointAnalysisSchema>;
export type Statistic = z.infer<typeof statisticSchema>;
export type ResumeEvent = z.infer<typeof resumeEventSchema>;
export type IterationPerformance = z.infer<typeof performanceSchema>;
export type Candidate = z.infer<typeof candidateSchema>;
export type ChanceSummary = z.infer<typeof chanceSummarySchema>;
export type IterationLuck = z.infer<typeof iterationLuckSchema>;
export type ExperimentLuck = z.infer<typeof experimentLuckSchema>;

export const fileKinds = [
  'training',
  'current_best',
  'preserved',
  'metrics',
  'placeholder',
  'best',
  'best_record',
  'archive',
  'seed_result',
] as const;

export const indexEntrySchema = z.object({
  /** Relative to the experiment folder, with forward slashes. */
  path: z.string(),
  kind: z.enum(fileKinds),
  size: z.number().int().min(0),
  sha256: z.string().length(64),
  iteration: z.number().int().min(1).nullable(),
  step: z.number().int().min(0).nullable(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
  time: z.string(),
});

export const checkpointIndexSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  experiment: z.string(),
  updatedAt: z.string(),
  entries: z.array(indexEntrySchema),
});

export type FileKind = (typeof fileKinds)[number];
export type SeedResult = z.infer<typeof seedResultSchema>;
export type MetricDigest = z.infer<typeof metricDigestSchema>;
export type IterationDigest = z.infer<typeof iterationDigestSchema>;
export type IndexEntry = z.infer<typeof indexEntrySchema>;
export type CheckpointIndexFile = z.infer<typeof checkpointIndexSchema>;
