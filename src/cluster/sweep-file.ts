import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { parseYaml } from '../config/yaml.js';
import { ConfigError, UsageError } from '../errors/index.js';

/**
 * The most points a sweep plans unless told otherwise. Each point is a whole walk-forward experiment (minutes to
 * hours of training), so 10,000 is already weeks to years of CPU time; planning them takes about two seconds and
 * the study's records stay a few megabytes. A larger grid is far more often a typo (one key too many) than a plan.
 */
export const DEFAULT_MAX_POINTS = 10_000;

/**
 * The largest sweep file read, unless --max-points allows more (BYTES_PER_POINT each): YAML parsing costs about 2 s
 * and 200 MB a megabyte, so a file of a million listed values would take a minute and gigabytes before its points
 * could be counted. A grid of any size takes a few lines; 10,000 listed points take well under a megabyte.
 */
export const MAX_SWEEP_FILE_BYTES = 1024 * 1024;
const BYTES_PER_POINT = 128;

/** A sweep file: a base config and the settings that vary, as a grid (every combination) and/or a list of points. */
export const sweepFileSchema = z
  .object({
    study: z.string().optional().describe("The study's id; its folder is <resultsDir>/<study>/ (default: the sweep file's name)"),
    base: z.string().optional().describe('Base config file (.json, .yaml), relative to the sweep file'),
    resultsDir: z
      .string()
      .min(1)
      .optional()
      .describe("Parent of the study folder, relative to the sweep file (default: the base config's resultsDir; --results-dir wins)"),
    maxPoints: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(`Refuse the sweep when it has more points than this (default ${DEFAULT_MAX_POINTS}; --max-points wins)`),
    grid: z
      .record(z.string(), z.array(z.unknown()).min(1))
      .default({})
      .describe('Dotted config keys and the values to try; every combination is a point: {"seed": [1, 2, 3]}'),
    list: z
      .array(z.record(z.string(), z.unknown()))
      .default([])
      .describe('Explicit points, each a set of dotted keys and values; crossed with the grid'),
  })
  .strict();
export type SweepFile = z.infer<typeof sweepFileSchema>;

/** Reads and checks a sweep file; every problem names the file. `maxPoints` (the flag) also allows a larger file. */
export function readSweepFile(file: string, maxPoints?: number): SweepFile {
  const text = readText(file, Math.max(MAX_SWEEP_FILE_BYTES, (maxPoints ?? 0) * BYTES_PER_POINT));
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`${file}: the sweep file is not valid YAML: ${(err as Error).message}`]);
  }
  const parsed = sweepFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`));
  return parsed.data;
}

function readText(file: string, maxBytes: number): string {
  const cannot = (err: unknown) =>
    new ConfigError([`${file}: cannot read the sweep file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  let size: number;
  try {
    const info = statSync(file);
    if (!info.isFile()) throw new ConfigError([`${file}: the sweep file is not a regular file`]);
    size = info.size;
  } catch (err) {
    throw err instanceof ConfigError ? err : cannot(err);
  }
  if (size > maxBytes) {
    const n = (x: number) => x.toLocaleString('en-US');
    throw new UsageError(
      `${file}: the sweep file has ${n(size)} bytes, more than the ${n(maxBytes)} a sweep file may hold ` +
        `(a grid of any size takes a few lines); --max-points N allows N x ${BYTES_PER_POINT} bytes`,
    );
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw cannot(err);
  }
}

/** How many points the sweep has as written (duplicates included), from the lengths alone: nothing is built. */
export function countPoints(sweep: SweepFile): number {
  return Math.max(sweep.list.length, 1) * Object.values(sweep.grid).reduce((n, values) => n * values.length, 1);
}

/** Refuses a sweep with more points than the limit, before any point is built. */
export function checkPointCount(file: string, sweep: SweepFile, maxPoints: number | undefined): number {
  const count = countPoints(sweep);
  const limit = maxPoints ?? sweep.maxPoints ?? DEFAULT_MAX_POINTS;
  if (count > limit) {
    const shape = [...(sweep.list.length ? [`list ${sweep.list.length}`] : []), ...Object.entries(sweep.grid).map(([k, v]) => `${k} ${v.length}`)];
    throw new UsageError(
      `${file}: the sweep has ${count.toLocaleString('en-US')} points (${shape.join(' x ')}), more than the limit of ` +
        `${limit.toLocaleString('en-US')}; remove values, or raise the limit with --max-points or maxPoints in the sweep file`,
    );
  }
  return count;
}

/**
 * The settings of point `index` (0 <= index < countPoints), without building the others: each listed point crossed
 * with the grid, the grid's last key fastest. A grid value overrides a listed point's value of the same key.
 */
export function pointSettings(sweep: SweepFile, index: number): Record<string, unknown> {
  const entries = Object.entries(sweep.grid);
  let rest = index;
  const picks: Array<[string, unknown]> = [];
  for (let k = entries.length - 1; k >= 0; k--) {
    const [key, values] = entries[k];
    picks.push([key, values[rest % values.length]]);
    rest = Math.floor(rest / values.length);
  }
  // fromEntries defines own keys (a key named __proto__ stays a key) and keeps a listed key's place when the grid sets it.
  return Object.fromEntries([...Object.entries(sweep.list[rest] ?? {}), ...picks.reverse()]);
}
