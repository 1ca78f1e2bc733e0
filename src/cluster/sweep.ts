import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { selectBackend } from '../backend/select-backend.js';
import type { KeyObject } from 'node:crypto';
import { ExperimentLockedError, InterruptedError, IterationFailedError, RedisUnavailableError } from '../errors/index.js';
import type { LogRecord } from '../logging/logger.js';
import { FORMAT_VERSION } from '../records/index.js';
import { studyManifestSchema, type StudySummary } from '../records/index.js';
import { writeJson } from '../store/json-file.js';
import { layout } from '../store/layout.js';
import { acquireLock, readLock, type ExperimentLock } from '../store/lock.js';
import { claimFolder } from '../store/ownership.js';
import { checkLedger } from '../store/trial-ledger.js';
import { runWalkForward } from '../walkforward/run/index.js';
import { QueueExecutor } from './queue-executor.js';
import { writeStudy } from './study.js';
import { planSweep, type PlanOptions, type StudyPlan, type StudyPointPlan } from './sweep-plan.js';

export { DEFAULT_MAX_POINTS, sweepFileSchema, type SweepFile } from './sweep-file.js';
export { planSweep, pointId, type DuplicatePoint, type PlanOptions, type StudyPlan, type StudyPointPlan } from './sweep-plan.js';

export interface SweepOptions extends PlanOptions {
  /** Send every iteration of every point to the queue at this Redis URL; without it the points run here, one after another. */
  redisUrl?: string | null;
  /** With a Redis URL: how long it may stay unreachable before the points fail (default 30 s). */
  redisWaitMs?: number;
  /** With a Redis URL: the secret shared with the workers (WFO_QUEUE_SECRET). */
  queueSecret?: KeyObject | null;
  onLog?: (record: LogRecord) => void;
  logLevel?: string;
  charts?: boolean;
  /** Called once every point is built, before any runs (the plan lists the duplicates that run once). */
  onPlanned?: (plan: StudyPlan) => void;
  /** Called once a point has finished or failed. */
  onPoint?: (id: string, problem: string | null) => void;
  now?: () => Date;
}

/**
 * Runs a study: each point is an experiment under <resultsDir>/<study>/<point>/ (running it again resumes every
 * point). With a Redis URL all points are coordinated at once and their iterations share the queue; without, the
 * points run here in order. One sweep at a time holds the study folder. Ends by writing study_summary.json and
 * study_report.html, also when points failed, and then rejects naming them.
 */
export async function runSweep(file: string, options: SweepOptions = {}): Promise<{ plan: StudyPlan; summary: StudySummary }> {
  const plan = await planSweep(file, options);
  options.onPlanned?.(plan);
  const now = options.now ?? (() => new Date());
  // Every point appends to a ledger beside the study: one that is not ours stops the sweep before it makes anything.
  for (const name of new Set(plan.points.map((p) => p.config.ledger.name))) await checkLedger(dirname(resolve(plan.dir)), name);
  await mkdir(plan.dir, { recursive: true });
  await claimFolder(plan.dir, 'study', plan.study, {
    now,
    log: (msg) => options.onLog?.({ level: 30, time: now().getTime(), msg, event: 'folder-adopted' }),
  });
  const lock = await lockStudy(plan, now);
  try {
    return await runStudy(plan, options, now);
  } finally {
    await lock.release();
  }
}

/** The study folder's lock: a second sweep of the same study is refused at its start, naming the first. */
async function lockStudy(plan: StudyPlan, now: () => Date): Promise<ExperimentLock> {
  try {
    return await acquireLock(plan.dir, `wfo sweep --config ${plan.file}`, now);
  } catch (err) {
    const holder = err instanceof ExperimentLockedError ? await readLock(plan.dir) : null;
    if (!holder) throw err;
    throw new ExperimentLockedError(
      `study ${plan.study} (${plan.dir}) is in use by ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); ` +
        'wait for it to finish or stop it first',
    );
  }
}

async function runStudy(plan: StudyPlan, options: SweepOptions, now: () => Date): Promise<{ plan: StudyPlan; summary: StudySummary }> {
  await writeJson(join(plan.dir, layout.study.manifest), studyManifestSchema, {
    formatVersion: FORMAT_VERSION,
    study: plan.study,
    base: plan.base,
    points: plan.points.map((p) => ({ id: p.id, settings: p.settings })),
    duplicates: plan.duplicates,
    createdAt: now().toISOString(),
  });
  const problems: string[] = [];
  let unreachable: RedisUnavailableError | null = null;
  const runPoint = async (point: StudyPointPlan) => {
    try {
      await runWalkForward(point.config, {
        experiment: point.id,
        executor: options.redisUrl
          ? new QueueExecutor({ redisUrl: options.redisUrl, waitMs: options.redisWaitMs, secret: options.queueSecret })
          : undefined,
        onLog: options.onLog,
        logLevel: options.logLevel,
        charts: options.charts,
        signal: options.signal,
        now: options.now,
      });
      options.onPoint?.(point.id, null);
    } catch (err) {
      if (err instanceof RedisUnavailableError) unreachable ??= err;
      const message = forSweep((err as Error).message, plan, point.id);
      problems.push(`${point.id}: ${message}`);
      options.onPoint?.(point.id, message);
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
  // Every point waits on the same Redis: one line says it, not one per point.
  if (unreachable) throw unreachable;
  if (problems.length) {
    throw new IterationFailedError(
      problems,
      `study ${plan.study}: ${problems.length} of ${plan.points.length} points did not finish:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return { plan, summary };
}

/** A walk-forward problem's advice names walkforward's flags; a sweep's user gave a sweep file, so say what to change there. */
function forSweep(message: string, plan: StudyPlan, id: string): string {
  return message
    .replace(
      /\nUse --force to resume anyway.*$/s,
      `\nA sweep does not mix them: move ${join(plan.dir, id)} away to start the point over, or give the sweep another study name (study: in ${plan.file}).`,
    )
    .replace('use a shorter --experiment id or --results-dir', `use a shorter study name (study: in ${plan.file}) or --results-dir`);
}
