import { basename } from 'node:path';
import { readRunLogTail } from '../logging/run-log.js';
import type { LogRecord } from '../logging/logger.js';
import { WARNING_EVENTS } from '../records/events.js';
import type { IndexEntry } from '../records/schemas.js';
import { CheckpointIndex } from '../store/index-store.js';
import { isAlive, readLock, type LockInfo } from '../store/lock.js';
import { experimentPaths } from '../store/layout.js';
import { checkOwned } from '../store/ownership.js';

/** How far back in run.log a status looks: the default run writes about 100 KiB in all. */
const TAIL_BYTES = 4 * 1024 * 1024;

export type RunState = 'running' | 'finished' | 'failed' | 'interrupted' | 'killed' | 'not-started';

export interface ActiveIteration {
  iteration: number;
  /** The seed's agent in training (0 when training.seeds is 1) and training.seeds; step is that agent's. */
  seed: number;
  seeds: number;
  step: number;
  timesteps: number;
  stepsPerSecond: number | null;
}

export interface StatusCheckpoint {
  file: string;
  iteration: number | null;
  step: number | null;
  time: string;
  ageSeconds: number;
}

export interface ExperimentStatus {
  experiment: string;
  root: string;
  state: RunState;
  /** The process holding the experiment's lock while it runs. */
  holder: LockInfo | null;
  runId: string | null;
  startedAt: string | null;
  iterations: number | null;
  iterationsDone: number;
  /** The iteration and step of the newest progress line of this attempt, and every iteration in progress. */
  iteration: number | null;
  step: number | null;
  active: ActiveIteration[];
  /** Steps done over the whole experiment (every seed's, finished iterations included) and of how many: the progress lines' global step. */
  stepsDone: number | null;
  totalSteps: number | null;
  /** Steps per second of the iterations in progress together (workers add up). */
  stepsPerSecond: number | null;
  etaSeconds: number | null;
  lastCheckpoint: StatusCheckpoint | null;
  lastEvaluation: { iteration: number; seed: number | null; step: number; metric: string; score: number | null; newBest: boolean } | null;
  warnings: Array<{ event: string; time: string; msg: string }>;
  /** The last line of a stopped attempt (run-done or run-failed), if it wrote one. */
  ended: { event: string; time: string; msg: string; errorName: string | null; exitCode: number | null } | null;
  /** What running the same command again does. */
  rerun: RerunPlan | null;
}

export interface RerunPlan {
  action: 'nothing' | 'continue' | 'start';
  /** Per unfinished iteration that has trained before: the checkpoint it resumes from (null: from step 0) and the steps lost. */
  resumes: Array<{ iteration: number; from: string | null; step: number; stepsLost: number | null }>;
  text: string;
}

export interface StatusOptions {
  now?: () => Date;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const findLast = (lines: LogRecord[], test: (l: LogRecord) => boolean) => [...lines].reverse().find(test);
const iso = (time: number) => new Date(time).toISOString();

/**
 * Where an experiment stands, from its lock, the tail of run.log and checkpoint_index.json: for a running one the
 * holder, iteration and step, steps/s, ETA, last checkpoint and its age, last validation score and warnings; for a
 * stopped one how it stopped (run-done, run-failed, interrupted, or killed: no end line and no live holder) and
 * what rerunning does. Reads only; safe while the run writes.
 */
export async function experimentStatus(resultsDir: string, experiment: string, options: StatusOptions = {}): Promise<ExperimentStatus> {
  const now = (options.now ?? (() => new Date()))();
  const paths = experimentPaths(resultsDir, experiment);
  await checkOwned(paths.root, 'experiment', experiment);
  const lock = await readLock(paths.root);
  const holder = lock && isAlive(lock) ? lock : null;
  const lines = await readRunLogTail(paths.runLog, TAIL_BYTES);
  const startAt = lines.map((l) => l.event).lastIndexOf('run-start');
  const attempt = startAt >= 0 ? lines.slice(startAt) : [];
  const last = <T = LogRecord>(kind: string) => findLast(attempt, (l) => l.event === kind) as (LogRecord & T) | undefined;
  const index = await CheckpointIndex.read(paths.root, experiment);
  const entries = index?.entries ?? [];
  const plan = last<{ totalSteps?: number }>('save-plan');
  const runStart = attempt[0];
  const iterations = num(runStart?.iterations);
  const done = new Set(entries.filter((e) => e.kind === 'metrics' || e.kind === 'placeholder').map((e) => e.iteration as number));
  const active = activeIterations(attempt, done);
  const ender = findLast(attempt, (l) => l.event === 'run-done' || l.event === 'run-failed');
  const state: RunState = holder
    ? 'running'
    : !runStart
      ? 'not-started'
      : ender?.event === 'run-done'
        ? 'finished'
        : ender
          ? ender.errorName === 'InterruptedError'
            ? 'interrupted'
            : 'failed'
          : 'killed';
  const stepsPerSecond = active.length ? active.reduce((s, a) => s + (a.stepsPerSecond ?? 0), 0) || null : null;
  const totalSteps = num(plan?.totalSteps);
  const stepsDone = stepsDoneOf(done.size, active, iterations, totalSteps);
  const newest = findLast(attempt, (l) => l.event === 'progress');
  const evaluation = last<{ metric: string; score: number | null; newBest: boolean; iteration: number; step: number; seed?: number }>('evaluation');
  return {
    experiment,
    root: paths.root,
    state,
    holder,
    runId: typeof runStart?.runId === 'string' ? runStart.runId : null,
    startedAt: runStart ? iso(runStart.time) : null,
    iterations,
    iterationsDone: done.size,
    iteration: num(newest?.iteration),
    step: num(newest?.step),
    active: state === 'running' ? active : [],
    stepsDone,
    totalSteps,
    stepsPerSecond: state === 'running' ? stepsPerSecond : null,
    etaSeconds:
      state === 'running' && stepsPerSecond && totalSteps !== null && stepsDone !== null
        ? Math.max(0, totalSteps - stepsDone) / stepsPerSecond
        : null,
    lastCheckpoint: lastCheckpoint(entries, now),
    lastEvaluation: evaluation
      ? {
          iteration: evaluation.iteration,
          seed: num(evaluation.seed),
          step: evaluation.step,
          metric: evaluation.metric,
          score: evaluation.score,
          newBest: evaluation.newBest,
        }
      : null,
    warnings: attempt
      .filter((l) => WARNING_EVENTS.includes(l.event as never))
      .map((l) => ({ event: String(l.event), time: iso(l.time), msg: l.msg })),
    ended: ender
      ? {
          event: String(ender.event),
          time: iso(ender.time),
          msg: ender.msg,
          errorName: (ender.errorName as string) ?? null,
          exitCode: num(ender.exitCode),
        }
      : null,
    rerun: state === 'running' ? null : rerunPlan(state, entries, attempt, done, iterations),
  };
}

/** The newest progress of each iteration this attempt worked on and has not finished. */
function activeIterations(attempt: LogRecord[], done: Set<number>): ActiveIteration[] {
  const byIteration = new Map<number, ActiveIteration>();
  for (const l of attempt) {
    if (l.event === 'iteration-done' && typeof l.iteration === 'number') byIteration.delete(l.iteration);
    if (l.event !== 'progress' && l.event !== 'resume') continue;
    const iteration = num(l.iteration);
    if (iteration === null || done.has(iteration)) continue;
    const before = byIteration.get(iteration);
    byIteration.set(iteration, {
      iteration,
      seed: num(l.seed) ?? 0,
      seeds: num(l.seeds) ?? before?.seeds ?? 1,
      step: num(l.step) ?? 0,
      timesteps: num(l.timesteps) ?? before?.timesteps ?? 0,
      stepsPerSecond: num(l.stepsPerSecond) ?? before?.stepsPerSecond ?? null,
    });
  }
  return [...byIteration.values()].sort((a, b) => a.iteration - b.iteration);
}

/**
 * Steps of the finished iterations (each totalSteps / iterations: every seed's) plus, per iteration in progress, its
 * earlier seeds' and the current seed's steps. Null before the plan or the first progress line says the sizes.
 */
function stepsDoneOf(finished: number, active: ActiveIteration[], iterations: number | null, totalSteps: number | null): number | null {
  const fromActive = active[0] ? active[0].seeds * active[0].timesteps : null;
  const perIteration = totalSteps !== null && iterations ? totalSteps / iterations : fromActive;
  if (perIteration === null) return finished === 0 && totalSteps !== null ? 0 : null;
  return finished * perIteration + active.reduce((s, a) => s + a.seed * a.timesteps + a.step, 0);
}

function lastCheckpoint(entries: IndexEntry[], now: Date): StatusCheckpoint | null {
  const newest = entries
    .filter((e) => e.kind === 'training' || e.kind === 'current_best' || e.kind === 'preserved')
    .sort((a, b) => a.time.localeCompare(b.time))
    .at(-1);
  return newest
    ? {
        file: newest.path,
        iteration: newest.iteration,
        step: newest.step,
        time: newest.time,
        ageSeconds: Math.max(0, (now.getTime() - Date.parse(newest.time)) / 1000),
      }
    : null;
}

/** What the same command does next: nothing, or continue each unfinished iteration from its newest training checkpoint. */
function rerunPlan(state: RunState, entries: IndexEntry[], attempt: LogRecord[], done: Set<number>, iterations: number | null): RerunPlan {
  if (state === 'finished') return { action: 'nothing', resumes: [], text: 'the experiment is finished; rerunning verifies it and changes nothing' };
  if (state === 'not-started') return { action: 'start', resumes: [], text: 'rerunning starts the experiment' };
  const reached = new Map<number, number>();
  for (const l of attempt) {
    const iteration = num(l.iteration);
    const step = num(l.step);
    if (iteration !== null && step !== null && !done.has(iteration)) reached.set(iteration, Math.max(step, reached.get(iteration) ?? 0));
  }
  const newestTraining = new Map<number, IndexEntry>();
  for (const e of entries) {
    if (e.kind !== 'training' || e.iteration === null || done.has(e.iteration)) continue;
    const seen = newestTraining.get(e.iteration);
    if (!seen || (e.step ?? 0) > (seen.step ?? 0)) newestTraining.set(e.iteration, e);
  }
  const unfinished = new Set([...reached.keys(), ...newestTraining.keys()]);
  const resumes = [...unfinished]
    .sort((a, b) => a - b)
    .map((iteration) => {
      const from = newestTraining.get(iteration);
      const step = from?.step ?? 0;
      const seen = reached.get(iteration);
      return { iteration, from: from?.path ?? null, step, stepsLost: seen === undefined ? null : Math.max(0, seen - step) };
    });
  const finished = iterations === null ? `${done.size} iterations finished` : `${done.size} of ${iterations} iterations finished`;
  const parts = resumes.map((r) =>
    r.from
      ? `iteration ${r.iteration} continues from ${basename(r.from)} (step ${r.step}; ${r.stepsLost ?? 'unknown'} steps lost)`
      : `iteration ${r.iteration} starts again from step 0 (${r.stepsLost ?? 'unknown'} steps lost)`,
  );
  return { action: 'continue', resumes, text: `${finished}; rerunning keeps them${parts.length ? `; ${parts.join('; ')}` : ''}` };
}

/** The status as a few lines for a terminal. */
export function formatStatus(s: ExperimentStatus): string {
  const fmt = (x: number | null, digits = 3) => (x === null ? 'n/a' : x.toFixed(digits));
  const lines = [`experiment ${s.experiment} (${s.root}): ${s.state}`];
  if (s.holder) lines.push(`  holder      pid ${s.holder.pid} on ${s.holder.host}, since ${s.holder.startedAt}`);
  lines.push(`  iterations  ${s.iterationsDone} of ${s.iterations ?? '?'} finished`);
  for (const a of s.active) {
    const seed = a.seeds > 1 ? ` seed ${a.seed + 1} of ${a.seeds},` : '';
    lines.push(`  iteration ${a.iteration} ${seed} step ${a.step} of ${a.timesteps}, ${fmt(a.stepsPerSecond, 0)} steps/s`);
  }
  if (s.stepsDone !== null && s.totalSteps)
    lines.push(`  steps       ${s.stepsDone} of ${s.totalSteps} in all (${((100 * s.stepsDone) / s.totalSteps).toFixed(0)}%)`);
  if (s.state === 'running')
    lines.push(`  speed       ${fmt(s.stepsPerSecond, 0)} steps/s, ETA ${s.etaSeconds === null ? 'n/a' : duration(s.etaSeconds)}`);
  if (s.lastCheckpoint)
    lines.push(`  checkpoint  ${s.lastCheckpoint.file} (step ${s.lastCheckpoint.step ?? 'n/a'}), ${duration(s.lastCheckpoint.ageSeconds)} ago`);
  if (s.lastEvaluation) {
    const e = s.lastEvaluation;
    lines.push(
      `  validation  ${e.metric} ${fmt(e.score)} at iteration ${e.iteration}${e.seed === null ? '' : `, seed ${e.seed}`}, step ${e.step}${e.newBest ? ' (new best)' : ''}`,
    );
  }
  lines.push(`  warnings    ${s.warnings.length ? '' : 'none'}`);
  for (const w of s.warnings) lines.push(`    ${w.time.slice(11, 19)} ${w.msg}`);
  if (s.ended)
    lines.push(
      `  ended       ${s.ended.time.slice(0, 19).replace('T', ' ')}: ${s.ended.event}${s.ended.event === 'run-failed' ? ` (${s.ended.msg})` : ''}`,
    );
  else if (s.state === 'killed') lines.push('  ended       without an end line and no process holds the lock: killed or crashed');
  if (s.rerun) lines.push(`  rerun       ${s.rerun.text}`);
  return lines.join('\n');
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
