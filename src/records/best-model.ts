import { z } from 'zod';
import { finite, FORMAT_VERSION } from './common.js';

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

export type BestModelRecord = z.infer<typeof bestModelSchema>;
