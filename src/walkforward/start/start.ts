import { lstat, readFile, rename } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { CheckpointIndex } from '../../store/index-store.js';
import { ResumeRefusedError } from '../../errors/index.js';
import { deriveSeed } from '../../random/rng.js';
import { isAlive, readLock, type ExperimentLock } from '../../store/lock.js';
import { removeTempLeftovers } from '../../retention/cleanup.js';
import { checkOwned } from '../../store/ownership.js';
import { openForWriting } from './open-folder.js';
import { scanExperiment } from '../../store/scan.js';
import { ExperimentLockedError } from '../../errors/index.js';
import type { PipelineConfig } from '../../config/schema.js';
import { iterationRecordSchema, runConfigSchema, type IterationRecord, type ResumeEvent, type RunConfigRecord } from '../../records/schemas.js';
import { sha256, stableStringify } from '../../util/hash.js';
import type { Window } from '../../windows/build-windows.js';
import { layout, type ExperimentPaths } from '../../store/layout.js';

export interface StartOptions {
  /** Move an existing experiment folder aside (never deleted) and start over. */
  fresh?: boolean;
  /** Resume even though the config or data changed; recorded in the summary. */
  force?: boolean;
  /** The clock for every time the run records (default: the system clock). */
  now?: () => Date;
  /** Worker threads the run will use (only to warn when they exceed the cores). */
  workers?: number;
}

export interface StartedExperiment {
  lock: ExperimentLock;
  index: CheckpointIndex;
  finished: Map<number, IterationRecord>;
  previous: RunConfigRecord | null;
  resume: ResumeEvent | null;
  movedTo: string | null;
  /** The master seed: the one config.json recorded when resuming, else the config's, else derived from the id. */
  seed: number;
}

/** The hash that decides whether a resume may continue: the config without where results go. */
export function resumeHash(config: PipelineConfig): string {
  // Where results go and what is logged about them do not change what is computed.
  const { resultsDir: _where, logging: _watching, ...what } = config;
  return sha256(stableStringify(what));
}

/**
 * Opens the experiment folder for writing: takes the lock, removes temporary leftovers, refuses to resume over a
 * changed config or data file (unless forced), rebuilds the index from what verifies on disk and finds the
 * iterations that are already finished.
 */
export async function startExperiment(
  paths: ExperimentPaths,
  experiment: string,
  config: PipelineConfig,
  dataSha256: string,
  windows: Window[],
  options: StartOptions,
  log: (line: string) => void,
): Promise<StartedExperiment> {
  const now = options.now ?? (() => new Date());
  let movedTo: string | null = null;
  // Only a folder of ours is moved aside: one that is not is refused before anything happens to it.
  const found = options.fresh ? await checkOwned(paths.root, 'experiment', experiment) : null;
  if (found?.state === 'ours' || found?.state === 'legacy') {
    const holder = await readLock(paths.root);
    if (holder && isAlive(holder)) {
      throw new ExperimentLockedError(`experiment ${paths.root} is in use by pid ${holder.pid} on ${holder.host}; --fresh cannot move it`);
    }
    movedTo = `${paths.root}.old-${now().toISOString().replace(/[:.]/g, '-')}`;
    await rename(paths.root, movedTo);
    log(`moved the previous experiment folder to ${movedTo}`);
  }
  const lock = await openForWriting(paths, experiment, now, log);
  try {
    if (lock.tookOver) log(`warning: took over a stale lock of pid ${lock.tookOver.pid} (started ${lock.tookOver.startedAt}); that run is gone`);
    for (const leftover of await removeTempLeftovers(paths.root)) log(`removed temporary leftover ${leftover}`);
    for (const line of planWarnings(config, windows, options.workers)) log(`warning: ${line}`);
    const previous = await readPrevious(paths);
    let resume: ResumeEvent | null = null;
    if (previous) {
      const changes = describeChanges(previous, config, dataSha256);
      if (changes.length && !options.force) {
        throw new ResumeRefusedError(
          `experiment ${experiment} was started with another configuration or data; resuming would mix results:\n` +
            changes.map((c) => `  - ${c}`).join('\n') +
            '\nUse --force to resume anyway (recorded in the summary), --fresh to start over, or another --experiment id.',
        );
      }
      resume = { at: now().toISOString(), forced: changes.length > 0, changes, finishedIterations: [] };
    }
    const scan = await scanExperiment(paths.root);
    for (const bad of scan.corrupt) log(`warning: ${bad.path} fails verification and is ignored: ${bad.problem}`);
    const old = await CheckpointIndex.load(paths.root, experiment);
    if (old.problem) log(`warning: ${old.problem}; the index is rebuilt from the files that verify, which are accepted as found`);
    const entries = [];
    for (const e of scan.entries) {
      const known = old.index?.get(e.path);
      if (known && known.sha256 !== e.sha256 && WRITTEN_ONCE.has(e.kind)) {
        log(`warning: ${e.path} differs from the index (edited or replaced since it was written); ${redoLine(e.iteration)}`);
        continue;
      }
      entries.push(known && known.sha256 === e.sha256 ? { ...e, time: known.time } : e);
    }
    const index = CheckpointIndex.from(paths.root, experiment, entries, now);
    await index.save();
    const finished = await finishedIterations(paths, index, windows, log);
    if (resume) resume.finishedIterations = [...finished.keys()];
    return { lock, index, finished, previous, resume, movedTo, seed: seedInUse(previous, config, experiment, log) };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

async function readPrevious(paths: ExperimentPaths): Promise<RunConfigRecord | null> {
  try {
    // A FIFO would block the read; what is not a regular file is no record (and writing config.json refuses it).
    if (!(await lstat(paths.config)).isFile()) return null;
    return runConfigSchema.parse(JSON.parse(await readFile(paths.config, 'utf8')));
  } catch {
    return null;
  }
}

/** What differs between the recorded run and this one, one line per changed setting or file. */
export function describeChanges(previous: RunConfigRecord, config: PipelineConfig, dataSha256: string): string[] {
  const changes: string[] = [];
  const before = flatten(previous.config);
  const after = flatten(config as unknown as Record<string, unknown>);
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    if (key === 'resultsDir') continue;
    const a = JSON.stringify(before[key]);
    const b = JSON.stringify(after[key]);
    if (a !== b) changes.push(`${key}: ${a ?? '(unset)'} -> ${b ?? '(unset)'}`);
  }
  if (previous.data.sha256 !== dataSha256) {
    changes.push(`data file ${config.data.path}: sha256 ${previous.data.sha256.slice(0, 12)}... -> ${dataSha256.slice(0, 12)}...`);
  }
  return changes;
}

function flatten(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key));
    else out[key] = v;
  }
  return out;
}

/** Iterations whose record verifies and, for a model, whose preserved zip matches the record's sha256. */
async function finishedIterations(
  paths: ExperimentPaths,
  index: CheckpointIndex,
  windows: Window[],
  log: (line: string) => void,
): Promise<Map<number, IterationRecord>> {
  const finished = new Map<number, IterationRecord>();
  for (const w of windows) {
    const n = w.iteration;
    for (const [kind, file] of [
      ['metrics', layout.metrics(n)],
      ['placeholder', layout.placeholder(n)],
    ] as const) {
      if (index.get(file)?.kind !== kind) continue;
      const record = iterationRecordSchema.parse(JSON.parse(await readFile(paths.at(file), 'utf8')));
      if (record.kind === 'model' && index.get(layout.preservedModel(n))?.sha256 !== record.model.sha256) {
        log(`warning: ${layout.preservedModel(n)} is missing or is not the model ${file} records; ${redoLine(n)}`);
        continue;
      }
      finished.set(n, record);
    }
  }
  return finished;
}

/** Files written once per iteration: bytes that differ from the index mean an edit, never a legitimate rewrite. */
const WRITTEN_ONCE = new Set(['preserved', 'metrics', 'placeholder']);
const redoLine = (n: number | null) => `iteration ${n} is redone, so that no figure the index did not verify is accepted`;

/**
 * The seed in use: a resumed experiment keeps the one its config.json recorded (a renamed folder must not change it),
 * and a line says so when the id alone would now derive another.
 */
export function seedInUse(previous: RunConfigRecord | null, config: PipelineConfig, experiment: string, log: (line: string) => void): number {
  const derived = deriveSeed('experiment', experiment);
  if (!previous) return config.seed ?? derived;
  if (config.seed === null && previous.seed !== derived) {
    log(
      `seed ${previous.seed} from config.json (the experiment started as ${previous.experiment}; the id ${experiment} alone would give ${derived})`,
    );
  }
  return previous.seed;
}

/** Steps per second of a whole run (training, evaluation, saves), measured: the default run, 150,000 steps in ~30 s on 2 cores. */
const ROUGH_STEPS_PER_SECOND = 5000;
const DAY_SECONDS = 86_400;

/** Warnings about the plan before any work: a run that would take days, more worker threads than cores. */
export function planWarnings(config: PipelineConfig, windows: Window[], workers = 1, cores = availableParallelism()): string[] {
  const out: string[] = [];
  const steps = config.training.timesteps * windows.length;
  const seconds = steps / ROUGH_STEPS_PER_SECOND / Math.max(1, Math.min(workers, cores));
  if (seconds > DAY_SECONDS) {
    out.push(
      `training.timesteps ${config.training.timesteps} x ${windows.length} iterations = ${steps.toExponential(2)} steps: ` +
        `about ${(seconds / DAY_SECONDS).toFixed(seconds > 10 * DAY_SECONDS ? 0 : 1)} days at a rough ${ROUGH_STEPS_PER_SECOND} steps/s; lower training.timesteps or windows.maxIterations if that is not meant`,
    );
  }
  if (workers > cores) out.push(`--workers ${workers} is more than the ${cores} cores of this machine; the extra threads only compete for them`);
  return out;
}
