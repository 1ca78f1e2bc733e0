import { join } from 'node:path';
import type { z } from 'zod';
import {
  bestModelSchema,
  checkpointIndexSchema,
  checkpointSummarySchema,
  iterationFailureSchema,
  iterationRecordSchema,
  runConfigSchema,
  seedResultSchema,
  walkforwardSummarySchema,
} from '../records/index.js';
import { readJson } from './json-file.js';
import { layout } from './layout.js';

/**
 * Typed reads of an experiment's records: each file found by its name in layout and validated against its schema.
 * A file missing (ENOENT), not JSON or of another shape rejects with an error naming it; callers that can do
 * without a record catch that.
 */
export function experimentRecords(root: string) {
  const read = <S extends z.ZodType>(relative: string, schema: S) => readJson(join(root, relative), schema);
  return {
    config: () => read(layout.config, runConfigSchema),
    summary: () => read(layout.summary, walkforwardSummarySchema),
    checkpointSummary: () => read(layout.checkpointSummary, checkpointSummarySchema),
    index: () => read(layout.index, checkpointIndexSchema),
    bestModel: () => read(layout.bestModelJson, bestModelSchema),
    /** An iteration's record by its relative path (checkpoints/metrics_iter_N.json or no_model_iter_N.json). */
    iteration: (relative: string) => read(relative, iterationRecordSchema),
    seedResult: (n: number, seed: number) => read(layout.seedResult(n, seed), seedResultSchema),
    failure: (n: number) => read(layout.failure(n), iterationFailureSchema),
  };
}
