import { readFileSync } from 'node:fs';

let cached: { name: string; version: string } | null = null;

/** This package's name and version (package.json): recorded in every config.json and shared by a coordinator and its workers. */
export function productInfo(): { name: string; version: string } {
  cached ??= JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return cached;
}

export function productVersion(): string {
  return productInfo().version;
}
