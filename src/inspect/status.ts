import { readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeSkipped, type SkippedLines } from '../logging/run-log.js';
import { walkforwardSummarySchema, type IndexEntry } from '../records/index.js';
import { CheckpointIndex } from '../store/index-store.js';
import { readJson } from '../store/json-file.js';
import { isAlive, readLock, type LockInfo } from '../store/lock.js';
import { iterationRecordNames, layout } from '../store/layout.js';
import { experimentToRead } from './experiment-folder.js';
import { readLastAttempt, type Attempt, type Progress } from './run-attempt.js';

export { formatStatus } from './status-format.js';

/** stopped: the experiment ran (its index or summary says so) but run.log holds no start line to tell how it ended. */
export type RunState = 'running' | 'finished' | 'failed' | 'interrupted' | 'killed' | 'stopped' | 'not-started';

/** An iteration in training: the seed's agent (0 when training.seeds is 1), training.seeds, and that agent's step. */
export type ActiveIteration = Progress;

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
  /** The newest warnings of this attempt (at most KEPT_WARNINGS) and how many it logged in all. */
  warnings: Array<{ event: string; time: string; msg: string }>;
  warningCount: number;
  /** The last line of a stopped attempt (run-done or run-failed), if it wrote one. */
  ended: { event: string; time: string; msg: string; errorName: string | null; exitCode: number | null } | null;
  /** What running the same command again does. */
  rerun: RerunPlan | null;
  /** Files the status could not use, each naming the file (a damaged index or summary, skipped run.log lines). */
  problems: string[];
  /** run.log as read: its lines and those skipped (too long, not JSON, fields of the wrong type). */
  runLog: { lines: number; skipped: SkippedLines };
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

const iso = (time: number) => new Date(time).toISOString();
/** Index entries of an iteration in progress: none is left once the experiment has finished. */
const IN_PROGRESS = new Set<IndexEntry['kind']>(['training', 'current_best', 'seed_result']);

/**
 * Where an experiment stands. Its state comes from the records first: the lock (running), then
 * walkforward_summary.json and the index (finished), and only then run.log's last attempt, for how an unfinished
 * run stopped (run-done, run-failed, interrupted, or killed: no end line and no live holder). For a running one:
 * holder, iteration and step, steps/s, ETA, last checkpoint and its age, last validation score and warnings; for
 * a stopped one what rerunning does. run.log is streamed line by line in bounded memory, and a line it cannot use
 * is skipped and counted. Reads only; safe while the run writes.
 */
export async function experimentStatus(resultsDir: string, experiment: string, options: StatusOptions = {}): Promise<ExperimentStatus> {
  const now = (options.now ?? (() => new Date()))();
  const paths = await experimentToRead(resultsDir, experiment);
  const problems: string[] = [];
  const lock = await readLock(paths.root);
  const holder = lock && isAlive(lock) ? lock : null;
  const summary = await readJson(paths.summary, walkforwardSummarySchema).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') problems.push(`${layout.summary} cannot be used: ${err.message}`);
    return null;
  });
  const loaded = await CheckpointIndex.load(paths.root, experiment);
  if (loaded.problem) problems.push(`${loaded.problem}; wfo verify --repair rewrites it`);
  const entries = loaded.index?.entries ?? [];
  const { attempt, reading } = await readLastAttempt(paths.runLog);
  const skippedLine = describeSkipped(paths.runLog, reading.skipped);
  if (skippedLine) problems.push(skippedLine);
  // Without a usable index, the records' names in checkpoints/ say which iterations finished (unverified);
  // no checkpoints folder yet: none finished.
  const done = new Set(
    loaded.index
      ? entries.filter((e) => e.kind === 'metrics' || e.kind === 'placeholder').map((e) => e.iteration as number)
      : iterationRecordNames(await readdir(paths.checkpoints).catch(() => [] as string[])).map((r) => r.iteration),
  );
  // The production model (iteration 0) is preserved after the summary; its files are no unfinished iteration.
  const unfinished = (e: IndexEntry, s: NonNullable<typeof summary>) =>
    IN_PROGRESS.has(e.kind) || (e.iteration !== null && e.kind !== 'production' && !summaryHas(s, e.iteration));
  const finished = summary !== null && !entries.some((e) => unfinished(e, summary));
  const ranBefore = entries.length > 0 || done.size > 0 || summary !== null;
  const state = stateOf(holder !== null, finished, attempt, ranBefore);
  const active = state === 'running' && attempt ? [...attempt.progress.values()].filter((p) => !done.has(p.iteration)) : [];
  const iterations = summary?.windows.length ?? attempt?.start.iterations ?? null;
  const totalSteps = attempt?.totalSteps ?? null;
  const stepsDone = stepsDoneOf(done.size, active, iterations, totalSteps);
  const stepsPerSecond = active.length ? active.reduce((s, a) => s + (a.stepsPerSecond ?? 0), 0) || null : null;
  return {
    experiment,
    root: paths.root,
    state,
    holder,
    runId: attempt?.start.runId ?? null,
    startedAt: attempt ? iso(attempt.start.time) : null,
    iterations,
    iterationsDone: done.size,
    iteration: attempt?.newest?.iteration ?? null,
    step: attempt?.newest?.step ?? null,
    active,
    stepsDone,
    totalSteps,
    stepsPerSecond,
    etaSeconds: stepsPerSecond && totalSteps !== null && stepsDone !== null ? Math.max(0, totalSteps - stepsDone) / stepsPerSecond : null,
    lastCheckpoint: lastCheckpoint(entries, now),
    lastEvaluation: attempt?.evaluation ?? null,
    warnings: (attempt?.warnings ?? []).map((w) => ({ event: w.event, time: iso(w.time), msg: w.msg })),
    warningCount: attempt?.warningCount ?? 0,
    ended: attempt?.ended ? { ...attempt.ended, time: iso(attempt.ended.time) } : null,
    rerun: state === 'running' ? null : rerunPlan(state, entries, attempt, done, iterations),
    problems,
    runLog: { lines: reading.lines, skipped: reading.skipped },
  };
}

function stateOf(running: boolean, finished: boolean, attempt: Attempt | null, ranBefore: boolean): RunState {
  if (running) return 'running';
  if (finished) return 'finished';
  if (!attempt) return ranBefore ? 'stopped' : 'not-started';
  const ender = attempt.ended;
  if (!ender) return 'killed';
  if (ender.event === 'run-done') return 'finished';
  return ender.errorName === 'InterruptedError' ? 'interrupted' : 'failed';
}

const summaryHas = (summary: { iterations: Array<{ iteration: number }> }, n: number) => summary.iterations.some((i) => i.iteration === n);

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
  const age = newest ? (now.getTime() - Date.parse(newest.time)) / 1000 : NaN;
  return newest
    ? {
        file: newest.path,
        iteration: newest.iteration,
        step: newest.step,
        time: newest.time,
        ageSeconds: Number.isFinite(age) ? Math.max(0, age) : 0,
      }
    : null;
}

/** What the same command does next: nothing, or continue each unfinished iteration from its newest training checkpoint. */
function rerunPlan(state: RunState, entries: IndexEntry[], attempt: Attempt | null, done: Set<number>, iterations: number | null): RerunPlan {
  if (state === 'finished') return { action: 'nothing', resumes: [], text: 'the experiment is finished; rerunning verifies it and changes nothing' };
  if (state === 'not-started') return { action: 'start', resumes: [], text: 'rerunning starts the experiment' };
  const reached = new Map([...(attempt?.reached ?? [])].filter(([n]) => !done.has(n)));
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
