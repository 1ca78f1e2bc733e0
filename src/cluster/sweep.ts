import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { selectBackend } from '../backend/select-backend.js';
import { loadConfig } from '../config/load-config.js';
import type { PipelineConfig } from '../config/schema.js';
import { ConfigError, InterruptedError, IterationFailedError } from '../errors/index.js';
import type { LogRecord } from '../logging/logger.js';
import { FORMAT_VERSION } from '../records/schemas.js';
import { studyManifestSchema, type StudySummary } from '../records/study.js';
import { writeJson } from '../store/json-file.js';
import { checkExperimentId, layout } from '../store/layout.js';
import { claimFolder } from '../store/ownership.js';
import { runWalkForward } from '../walkforward/pipeline.js';
import { QueueExecutor } from './queue-executor.js';
import { writeStudy } from './study.js';

/** A sweep file: a base config and the settings that vary, as a grid (every combination) and/or a list of points. */
export const sweepFileSchema = z
  .object({
    study: z.string().optional().describe("The study's id; its folder is <resultsDir>/<study>/ (default: the sweep file's name)"),
    base: z.string().optional().describe('Base config file (.json, .yaml), relative to the sweep file'),
    resultsDir: z.string().optional().describe("Parent of the study folder (default: the base config's resultsDir)"),
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

export interface StudyPointPlan {
  id: string;
  settings: Record<string, unknown>;
  config: PipelineConfig;
}

export interface StudyPlan {
  study: string;
  dir: string;
  base: string | null;
  points: StudyPointPlan[];
}

/** Reads a sweep file and builds every point's config (base file, then the point's settings as --set would). */
export function planSweep(file: string): StudyPlan {
  let raw: unknown;
  try {
    raw = YAML.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`--config ${file}: cannot read the sweep file (${(err as Error).message})`]);
  }
  const parsed = sweepFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`));
  const sweep = parsed.data;
  const study = checkExperimentId(sweep.study ?? basename(file, extname(file)));
  const base = sweep.base === undefined ? null : resolve(dirname(file), sweep.base);
  const settingsList = cross(sweep.list.length ? sweep.list : [{}], sweep.grid);
  const baseConfig = loadConfig({ configFile: base ?? undefined }).config;
  const dir = join(sweep.resultsDir === undefined ? baseConfig.resultsDir : resolve(dirname(file), sweep.resultsDir), study);
  const ids = new Set<string>();
  const points = settingsList.map((settings) => {
    let id = pointId(settings);
    for (let k = 2; ids.has(id); k++) id = `${pointId(settings)}-${k}`;
    ids.add(id);
    const sets = Object.entries(settings).map(([key, value]) => `${key}=${JSON.stringify(value)}`);
    const { config } = loadConfig({ configFile: base ?? undefined, flags: { resultsDir: dir }, sets });
    return { id: checkExperimentId(id), settings, config };
  });
  return { study, dir, base, points };
}

/** Every combination of the grid's values with each listed point, in a stable order (the grid's last key fastest). */
function cross(list: Array<Record<string, unknown>>, grid: Record<string, unknown[]>): Array<Record<string, unknown>> {
  let out = list.map((p) => ({ ...p }));
  for (const [key, values] of Object.entries(grid)) out = out.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return out;
}

/** A point's id from its settings: `learningRate-0.0001_seed-1`; a path becomes its file name without extension. */
export function pointId(settings: Record<string, unknown>): string {
  const keys = Object.keys(settings);
  if (!keys.length) return 'base';
  const last = (k: string) => k.split('.').at(-1) as string;
  const short = (k: string) => (keys.filter((o) => last(o) === last(k)).length > 1 ? k : last(k));
  const value = (v: unknown) =>
    typeof v === 'string' && /[/\\]|\.[A-Za-z]+$/.test(v) ? basename(v, extname(v)) : typeof v === 'string' ? v : JSON.stringify(v);
  return keys
    .map((k) => `${short(k)}-${value(settings[k])}`)
    .join('_')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 200);
}

export interface SweepOptions {
  /** Send every iteration of every point to the queue at this Redis URL; without it the points run here, one after another. */
  redisUrl?: string | null;
  onLog?: (record: LogRecord) => void;
  logLevel?: string;
  charts?: boolean;
  signal?: AbortSignal;
  /** Called once a point has finished or failed. */
  onPoint?: (id: string, problem: string | null) => void;
  now?: () => Date;
}

/**
 * Runs a study: each point is an experiment under <resultsDir>/<study>/<point>/ (running it again resumes every
 * point). With a Redis URL all points are coordinated at once and their iterations share the queue; without, the
 * points run here in order. Ends by writing study_summary.json and study_report.html, also when points failed,
 * and then rejects naming them.
 */
export async function runSweep(file: string, options: SweepOptions = {}): Promise<{ plan: StudyPlan; summary: StudySummary }> {
  const plan = planSweep(file);
  const now = options.now ?? (() => new Date());
  await mkdir(plan.dir, { recursive: true });
  await claimFolder(plan.dir, 'study', plan.study, {
    now,
    log: (msg) => options.onLog?.({ level: 30, time: now().getTime(), msg, event: 'folder-adopted' }),
  });
  await writeJson(join(plan.dir, layout.study.manifest), studyManifestSchema, {
    formatVersion: FORMAT_VERSION,
    study: plan.study,
    base: plan.base,
    points: plan.points.map((p) => ({ id: p.id, settings: p.settings })),
    createdAt: now().toISOString(),
  });
  const problems: string[] = [];
  const runPoint = async (point: StudyPointPlan) => {
    try {
      await runWalkForward(point.config, {
        experiment: point.id,
        executor: options.redisUrl ? new QueueExecutor({ redisUrl: options.redisUrl }) : undefined,
        onLog: options.onLog,
        logLevel: options.logLevel,
        charts: options.charts,
        signal: options.signal,
        now: options.now,
      });
      options.onPoint?.(point.id, null);
    } catch (err) {
      problems.push(`${point.id}: ${(err as Error).message}`);
      options.onPoint?.(point.id, (err as Error).message);
    }
  };
  if (options.redisUrl) {
    // Points run side by side in this process; the backend is chosen once, before they race for it.
    if (plan.points.length) await selectBackend(plan.points[0].config.backend);
    await Promise.all(plan.points.map(runPoint));
  } else for (const point of plan.points) if (!options.signal?.aborted) await runPoint(point);
  const summary = await writeStudy(plan.dir, now);
  if (options.signal?.aborted) {
    const reason = String(options.signal.reason ?? 'SIGINT');
    throw new InterruptedError(reason, `study ${plan.study} interrupted by ${reason}; finished work is saved; run the same command to resume`);
  }
  if (problems.length) {
    throw new IterationFailedError(
      problems,
      `study ${plan.study}: ${problems.length} of ${plan.points.length} points did not finish:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return { plan, summary };
}
