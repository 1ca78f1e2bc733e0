import { readFileSync } from 'node:fs';

let cached: string | null = null;

/** This product's version (package.json), which a worker must share with the coordinator that queued a job. */
export function productVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
