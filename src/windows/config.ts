import { z } from 'zod';

const int = () => z.number().int();

/** The walk-forward windows section of the config. */
export const windowsSchema = z
  .object({
    mode: z
      .enum(['rolling', 'anchored'])
      .default('rolling')
      .describe('rolling: fixed train length; anchored: train always starts at row 0 and grows'),
    train: int().min(1).default(1000).describe('Rows in the training segment (rolling), or of the first window (anchored)'),
    validation: int().min(0).default(250).describe('Rows in the validation segment (0 = none; needs selection.on=last)'),
    test: int().min(1).default(250).describe('Rows in the out-of-sample test segment'),
    step: int().min(1).nullable().default(null).describe('Rows between window starts (null = test, so test segments tile)'),
    gap: int().min(0).default(0).describe('Purge rows left out between consecutive segments'),
    maxIterations: int().min(1).nullable().default(null).describe('Stop after this many windows (null = as many as fit)'),
    partialLast: z
      .enum(['drop', 'keep'])
      .default('drop')
      .describe('A last window whose test segment is shorter than test: drop it, or keep it shortened'),
  })
  .strict();

export type WindowsConfig = z.infer<typeof windowsSchema>;
