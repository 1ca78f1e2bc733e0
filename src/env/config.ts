import { z } from 'zod';
import { crossSections } from './panel-spaces.js';
import { portfolioWeightings } from './panel-weights.js';

const int = () => z.number().int();

/** The trading environment's section of the config. */
export const envSchema = z
  .object({
    lookback: int()
      .min(1)
      .max(1000)
      .default(5)
      .describe('Past log returns in each observation (the study in docs/studies/learning-defaults.md chose 5 over 30)'),
    allowShort: z.boolean().default(true).describe('Actions short/flat/long (true) or flat/long (false)'),
    costBps: z.number().min(0).max(1000).default(10).describe('Commission per unit of position change, basis points'),
    slippageBps: z.number().min(0).max(1000).default(0).describe('Slippage per unit of position change, basis points'),
    portfolioFeatures: z
      .boolean()
      .default(false)
      .describe("A panel run: each instrument's observation holds the portfolio's net exposure (the weighted sum of its positions)"),
    marketFeatures: z
      .boolean()
      .default(false)
      .describe("A panel run: each instrument's observation holds the mean of every feature over the window's instruments at the date"),
    crossSection: z
      .enum(crossSections)
      .default('demean')
      .describe(
        "A panel run: each instrument's features less their mean over the window's instruments at the date (demean), also divided by their spread across them (zscore), or as they are (none)",
      ),
  })
  .strict();

export type EnvConfig = z.infer<typeof envSchema>;

/** How a panel run weighs its instruments (a run of one instrument has one weight, 1). */
export const portfolioSchema = z
  .object({
    weighting: z
      .enum(portfolioWeightings)
      .default('equal')
      .describe("A panel run: equal (1/N of the window's instruments each) or inverseVol (1 / the volatility of each one's training rows)"),
  })
  .strict();

export type PortfolioConfig = z.infer<typeof portfolioSchema>;
