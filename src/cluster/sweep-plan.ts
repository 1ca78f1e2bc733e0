import { basename, dirname, extname, join, resolve } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { loadConfig, readConfigFile } from '../config/load-config.js';
import type { PipelineConfig } from '../config/schema.js';
import { ConfigError, InterruptedError, UsageError } from '../errors/index.js';
import { checkExperimentId } from '../store/layout.js';
import { sha256, stableStringify } from '../util/hash.js';
import { resumeHash } from '../walkforward/start/index.js';
import { checkPointCount, pointSettings, readSweepFile, type SweepFile } from './sweep-file.js';

export interface StudyPointPlan {
  id: string;
  settings: Record<string, unknown>;
  config: PipelineConfig;
}

/** A point whose config computes exactly what an earlier point's does: it runs, and counts, once. */
export interface DuplicatePoint {
  settings: Record<string, unknown>;
  sameAs: string;
}

export interface StudyPlan {
  study: string;
  /** The sweep file. */
  file: string;
  dir: string;
  base: string | null;
  /** Points as the file writes them, duplicates included. */
  count: number;
  points: StudyPointPlan[];
  duplicates: DuplicatePoint[];
}

export interface PlanOptions {
  /** Refuse a sweep with more points (default: the sweep file's maxPoints, else DEFAULT_MAX_POINTS). */
  maxPoints?: number;
  /** Parent of the study folder; wins over the sweep file's resultsDir and the base config's. */
  resultsDir?: string;
  /** The trial ledger every point is counted in (ledger.name; default: the base config's). */
  ledger?: string;
  /** Planning stops, having written nothing, once this aborts. */
  signal?: AbortSignal;
  /** Called once the number of points is known and allowed, before any of them is built. */
  onCount?: (study: string, count: number) => void;
}

const ID_LENGTH = 200;
const shortHash = (settings: Record<string, unknown>) => sha256(stableStringify(settings)).slice(0, 10);

/**
 * Reads a sweep file and builds every point's config (base file, then the point's settings as --set would). The
 * points are counted from the lengths of the grid and the list before any is built, and refused above the limit;
 * building yields to the event loop so that a signal stops it. Points whose configs compute the same thing are kept
 * once (the first), and the others listed as duplicates.
 */
export async function planSweep(file: string, options: PlanOptions = {}): Promise<StudyPlan> {
  if (options.resultsDir === '') throw new UsageError('--results-dir: got ""; expected a folder');
  const sweep = readSweepFile(file, options.maxPoints);
  const study = studyId(file, sweep);
  checkKeys(file, sweep);
  const count = checkPointCount(file, sweep, options.maxPoints);
  options.onCount?.(study, count);
  const base = sweep.base === undefined ? null : resolve(dirname(file), sweep.base);
  const label = `${file}: base`;
  const fileSettings = base === null ? {} : readConfigFile(base, label);
  const baseConfig = named(
    () => loadConfig({ fileSettings }).config,
    (p) => `${label} ${base}: ${p}`,
  );
  const parent =
    options.resultsDir !== undefined
      ? resolve(options.resultsDir)
      : sweep.resultsDir !== undefined
        ? resolve(dirname(file), sweep.resultsDir)
        : baseConfig.resultsDir;
  const dir = join(parent, study);

  const distinct = new Map<string, { settings: Record<string, unknown>; config: PipelineConfig }>();
  const repeats: Array<{ settings: Record<string, unknown>; hash: string }> = [];
  const problems = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    if (i % 64 === 0) await pause(options.signal, study);
    const settings = pointSettings(sweep, i);
    const sets = Object.entries(settings).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
    let config: PipelineConfig;
    try {
      config = loadConfig({ fileSettings, flags: { resultsDir: dir, ledger: options.ledger }, sets }).config;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // The same bad value usually fails many points: each problem is told once, with the first point it failed.
      for (const p of err.problems) if (!problems.has(p)) problems.set(p, pointId(settings));
      continue;
    }
    // A study compares procedures; the one to trade is trained once chosen, so points train no production model unless asked.
    if (!('production.enabled' in settings) && (fileSettings as { production?: unknown }).production === undefined) {
      config = { ...config, production: { enabled: false } };
    }
    // Only to tell points apart: every point reads the same data, so panel or not, equal hashes are equal configs.
    const hash = resumeHash(config, false);
    if (distinct.has(hash)) repeats.push({ settings, hash });
    else distinct.set(hash, { settings, config });
  }
  if (problems.size) {
    const shown = [...problems].slice(0, 10).map(([p, id]) => `${file}: point ${id}: ${p}`);
    if (problems.size > 10) shown.push(`${file}: ${problems.size - 10} more problems like these`);
    throw new ConfigError(shown);
  }
  const hashes = [...distinct.keys()];
  const ids = uniqueIds(
    file,
    [...distinct.values()].map((p) => p.settings),
  );
  const idOf = new Map(hashes.map((h, k) => [h, ids[k]]));
  const points = [...distinct.values()].map((p, k) => ({ id: ids[k], settings: p.settings, config: p.config }));
  const duplicates = repeats.map((r) => ({ settings: r.settings, sameAs: idOf.get(r.hash) as string }));
  return { study, file, dir, base, count, points, duplicates };
}

async function pause(signal: AbortSignal | undefined, study: string): Promise<void> {
  await nextTurn();
  if (signal?.aborted) {
    const reason = String(signal.reason ?? 'SIGINT');
    throw new InterruptedError(reason, `study ${study}: planning stopped by ${reason}; nothing was written`);
  }
}

function studyId(file: string, sweep: SweepFile): string {
  const id = sweep.study ?? basename(file, extname(file));
  try {
    return checkExperimentId(id);
  } catch {
    // Rethrown below with the sweep file named.
    const from = sweep.study === undefined ? ` (the sweep file's name; set study: to choose another)` : '';
    throw new ConfigError([
      `${file}: study ${JSON.stringify(id)}${from}: use 1 to 200 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    ]);
  }
}

/** Keys the grid and list may set: dotted config keys, but not where the study's points live. */
function checkKeys(file: string, sweep: SweepFile): void {
  const keys = new Set([...Object.keys(sweep.grid), ...sweep.list.flatMap((p) => Object.keys(p))]);
  const problems: string[] = [];
  for (const key of keys) {
    if (key.split('.').some((part) => part.trim() === ''))
      problems.push(`${file}: key ${JSON.stringify(key)} is not a dotted config key (e.g. agent.learningRate)`);
    else if (key === 'resultsDir')
      problems.push(`${file}: resultsDir cannot vary between points (the study's folder holds them all); set it once at the top level`);
  }
  if (problems.length) throw new ConfigError(problems);
}

function named<T>(fn: () => T, prefix: (problem: string) => string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.problems.map(prefix));
    throw err;
  }
}

/**
 * Folder names for the points: each from its settings; where two points would share a name (a name cut at 200
 * characters, or two data files of one name in different folders), every one of them ends with a short hash of its
 * settings instead, so a name does not depend on the order of the points.
 */
function uniqueIds(file: string, settingsList: Array<Record<string, unknown>>): string[] {
  const natural = settingsList.map(pointId);
  const seen = new Map<string, number>();
  for (const id of natural) seen.set(id, (seen.get(id) ?? 0) + 1);
  const ids = natural.map((id, k) => ((seen.get(id) as number) > 1 ? withHash(id, settingsList[k]) : id));
  const owner = new Map<string, number>();
  ids.forEach((id, k) => {
    const other = owner.get(id);
    if (other !== undefined) {
      const show = (s: Record<string, unknown>) => stableStringify(s);
      throw new ConfigError([`${file}: points ${show(settingsList[other])} and ${show(settingsList[k])} would share the folder ${id}`]);
    }
    owner.set(id, k);
  });
  return ids;
}

const withHash = (id: string, settings: Record<string, unknown>) => `${id.slice(0, ID_LENGTH - 11)}-${shortHash(settings)}`;

/**
 * A point's folder name from its settings: `learningRate-0.0001_seed-1`; a path becomes its file name without
 * extension. A name longer than 200 characters is cut and ends with a short hash of the settings, so two long names
 * that share their first 200 characters still differ.
 */
export function pointId(settings: Record<string, unknown>): string {
  const keys = Object.keys(settings);
  if (!keys.length) return 'base';
  const last = (k: string) => k.split('.').at(-1) as string;
  const short = (k: string) => (keys.filter((o) => last(o) === last(k)).length > 1 ? k : last(k));
  const value = (v: unknown) =>
    typeof v === 'string' && /[/\\]|\.[A-Za-z]+$/.test(v) ? basename(v, extname(v)) : typeof v === 'string' ? v : JSON.stringify(v);
  const id = keys
    .map((k) => `${short(k)}-${value(settings[k])}`)
    .join('_')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  if (id === '') return `point-${shortHash(settings)}`;
  return id.length > ID_LENGTH ? withHash(id, settings) : id;
}
