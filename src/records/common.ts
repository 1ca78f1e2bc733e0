import { z } from 'zod';

/** Every JSON file the pipeline writes has a schema in records/ and a formatVersion; numbers are finite or null. */
export const FORMAT_VERSION = 1 as const;

export const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const nullableFinite = finite.nullable();

/** The metrics a model can be selected by (selection.metric) and records name. */
export const selectionMetrics = ['sharpe', 'sortino', 'totalReturn', 'calmar'] as const;
export type SelectionMetric = (typeof selectionMetrics)[number];

/** What training waited for its saves: median and largest milliseconds per save, how many, and the share of time. */
export const savesBlockedSchema = z.object({ median: finite, max: finite, count: z.number().int().nonnegative(), share: finite });

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

/** Named numbers an agent reports (see Agent.stateDiagnostics). */
export const diagnosticsSchema = z.record(z.string(), finite);

export const statisticSchema = z.object({ value: nullableFinite, reason: z.string().nullable() });

export const fileRefSchema = z.object({ file: z.string(), sha256: z.string().length(64), size: z.number().int().min(0) });

export type Statistic = z.infer<typeof statisticSchema>;
