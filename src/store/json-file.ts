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

/** Reads a record and validates it against its schema; an error names the file and, for a wrong shape, every field at fault. */
export async function readJson<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
  return parseJson(path, await readFile(path, 'utf8'), schema);
}

/** A record's text (already read, e.g. to check its sha256) parsed and validated against its schema. */
export function parseJson<S extends z.ZodType>(path: string, text: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new Error(`${path} does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
