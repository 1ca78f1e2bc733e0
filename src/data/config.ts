import { z } from 'zod';

/** The data section of the config: which file, which column, how missing cells are treated, the calendar. */
const int = () => z.number().int();

export const dataSchema = z
  .object({
    path: z.string().min(1).default('data/sp500-2000.csv').describe('CSV file with the price series'),
    priceColumn: z.string().min(1).default('close').describe('Column that is traded (case-insensitive)'),
    dateColumn: z.string().min(1).default('date').describe('Date column, used when present (case-insensitive)'),
    fillMissing: z
      .enum(['none', 'ffill'])
      .default('none')
      .describe('Empty or NaN cells: none = error naming the line; ffill = carry the previous value forward'),
    periodsPerYear: z.number().positive().default(252).describe('Bars per year, for annualized metrics'),
    riskFreeRate: z.number().min(-1).max(1).default(0).describe('Annual risk-free rate used by Sharpe and Sortino'),
  })
  .strict();

export const featuresSchema = z
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

export type DataConfig = z.infer<typeof dataSchema>;
export type FeaturesConfig = z.infer<typeof featuresSchema>;
