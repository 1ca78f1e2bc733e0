import { z } from 'zod';

/** The data section of the config: which files, which instruments and columns, how missing cells are treated, the calendar. */
const int = () => z.number().int();

export const dataSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .default('data/sp500-2000.csv')
      .describe('CSV or Parquet file, a glob (data/*.parquet) or a folder of such files; a file without a symbol column is one instrument named by the file'),
    priceColumn: z.string().min(1).default('close').describe('Column that is traded (case-insensitive)'),
    dateColumn: z.string().min(1).default('date').describe('Date column, used when present (case-insensitive)'),
    symbolColumn: z.string().min(1).default('symbol').describe('Symbol column of a long-format file (date, symbol, numeric columns), used when present'),
    symbols: z
      .union([z.literal('all'), z.array(z.string().min(1)).min(1)])
      .default('all')
      .describe('Instruments loaded from the data: all, or a list of symbols'),
    symbol: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe('The instrument traded; left out, a selection of several is a panel run that trades them all (data.symbols)'),
    align: z
      .enum(['intersect', 'ffill'])
      .default('intersect')
      .describe('Calendar of several instruments: intersect = dates all of them have; ffill = every date, a missing bar carrying its last earlier value'),
    fillMissing: z
      .enum(['none', 'ffill'])
      .default('none')
      .describe('Empty or NaN cells: none = error naming the line; ffill = carry the previous value forward'),
    periodsPerYear: z.number().positive().default(252).describe('Bars per year, for annualized metrics'),
    riskFreeRate: z.number().min(-1).max(1).default(0).describe('Annual risk-free rate used by Sharpe and Sortino'),
  })
  .strict();

const legacyFeaturesSchema = z
  .object({
    extra: z
      .array(z.enum(['volatility', 'rsi', 'smaRatio']))
      .default([])
      .describe('Extra features after the lookback returns: rolling volatility, RSI, price/SMA - 1'),
    volatilityWindow: int().min(2).default(20).describe('Bars in the rolling volatility'),
    rsiWindow: int().min(2).default(14).describe('Bars in the RSI'),
    smaWindow: int().min(2).default(20).describe('Bars in the simple moving average of price/SMA'),
  })
  .strict();

/** The built-in features, computed in TypeScript; `returns` is the last env.lookback log returns. */
export const builtinFeatures = ['returns', 'volatility', 'rsi', 'smaRatio'] as const;

const builtinEntry = z
  .object({
    name: z.enum(builtinFeatures),
    window: int().min(2).optional().describe('Bars in its window (volatility 20, rsi 14, smaRatio 20 when left out)'),
  })
  .strict();

/** A feature the user writes: a DuckDB SQL expression over the panel, with the window w = PARTITION BY symbol ORDER BY date. */
const sqlEntry = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a name of letters, digits and _, starting with a letter or _'),
    sql: z.string().min(1).max(4000),
  })
  .strict();

export const featureEntrySchema = z.union([builtinEntry, sqlEntry]);

/**
 * The observation's features: the settings of before (lookback returns plus `extra`), or a list of built-ins by name
 * and SQL expressions side by side, in the order given.
 */
export const featuresSchema = z.union([
  legacyFeaturesSchema,
  z
    .array(featureEntrySchema)
    .min(1)
    .describe(
      'Or the features as a list, in order: built-ins by name (returns = the env.lookback log returns; volatility, rsi, smaRatio with an optional window) and {name, sql} DuckDB expressions over the panel, with w = PARTITION BY symbol ORDER BY date, each able to use the features before it',
    ),
]);

export type DataConfig = z.infer<typeof dataSchema>;
export type FeaturesConfig = z.infer<typeof featuresSchema>;
export type FeatureEntry = z.infer<typeof featureEntrySchema>;
