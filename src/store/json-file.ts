import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { writeFileAtomic } from './atomic-file.js';

/** The record as it will be written, or an error naming the file and every field that does not match its schema. */
export function validated<S extends z.ZodType>(path: string, schema: S, value: z.input<S>): { data: z.output<S>; text: string } {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`refusing to write ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { data: parsed.data, text: JSON.stringify(parsed.data, null, 1) + '\n' };
}

/** Validates against the schema, then writes atomically; a record that does not match its schema is never written. */
export async function writeJson<S extends z.ZodType>(path: string, schema: S, value: z.input<S>): Promise<z.output<S>> {
  const { data, text } = validated(path, schema, value);
  await writeFileAtomic(path, text);
  return data;
}

export async function readJson<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success)
    throw new Error(`${path} does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
