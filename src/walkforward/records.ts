import type { z } from 'zod';
import { writeFileAtomic } from '../store/atomic-file.js';
import type { FileKind } from '../records/schemas.js';
import { sha256 } from '../util/hash.js';
import { validated } from '../store/json-file.js';
import type { RunContext } from './context.js';

/** Validates a record against its schema, commits it atomically and lists it in the index. */
export async function commitJson<S extends z.ZodType>(
  ctx: RunContext,
  path: string,
  relativePath: string,
  schema: S,
  kind: FileKind,
  iteration: number | null,
  step: number | null,
  value: z.input<S>,
  describe?: (committed: z.output<S>) => Record<string, unknown>,
): Promise<z.output<S>> {
  const { data, text } = validated(path, schema, value);
  await writeFileAtomic(path, text);
  await ctx.index.add({
    path: relativePath,
    kind,
    size: Buffer.byteLength(text),
    sha256: sha256(text),
    iteration,
    step,
    metrics: describe ? describe(data) : null,
    time: new Date().toISOString(),
  });
  return data;
}
