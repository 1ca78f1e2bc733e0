import { z } from 'zod';
import { FORMAT_VERSION } from './common.js';

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
  'production',
  'production_card',
] as const;

export const indexEntrySchema = z.object({
  /** Relative to the experiment folder, with forward slashes. */
  path: z.string(),
  kind: z.enum(fileKinds),
  size: z.number().int().min(0),
  sha256: z.string().length(64),
  // 0: the production window's (windows/build-windows.ts PRODUCTION_ITERATION).
  iteration: z.number().int().min(0).nullable(),
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
export type IndexEntry = z.infer<typeof indexEntrySchema>;
export type CheckpointIndexFile = z.infer<typeof checkpointIndexSchema>;
