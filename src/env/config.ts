import { z } from 'zod';

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
  })
  .strict();

export type EnvConfig = z.infer<typeof envSchema>;
