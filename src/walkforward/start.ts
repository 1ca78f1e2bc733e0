import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { CheckpointIndex } from '../store/index-store.js';
import { ResumeRefusedError } from '../errors/index.js';
import { acquireLock, isAlive, readLock, type ExperimentLock } from '../store/lock.js';
import { removeTempLeftovers } from '../retention/cleanup.js';
import { scanExperiment } from '../store/scan.js';
import { ExperimentLockedError } from '../errors/index.js';
import type { PipelineConfig } from '../config/schema.js';
import { iterationRecordSchema, runConfigSchema, type IterationRecord, type ResumeEvent, type RunConfigRecord } from '../records/schemas.js';
import { sha256, stableStringify } from '../util/hash.js';
import type { Window } from '../windows/build-windows.js';
import { layout, type ExperimentPaths } from '../store/layout.js';

export interface StartOptions {
  /** Move an existing experiment folder aside (never deleted) and start over. */
  fresh?: boolean;
  /** Resume even though the config or data changed; recorded in the summary. */
  force?: boolean;
  /** The clock for every time the run records (default: the system clock). */
  now?: () => Date;
}

export interface StartedExperiment {
  lock: ExperimentLock;
  index: CheckpointIndex;
  finished: Map<number, IterationRecord>;
  previous: RunConfigRecord | null;
  resume: ResumeEvent | null;
  movedTo: string | null;
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
  if (options.fresh && (await exists(paths.root))) {
    const holder = await readLock(paths.root);
    if (holder && isAlive(holder)) {
      throw new ExperimentLockedError(`experiment ${paths.root} is in use by pid ${holder.pid} on ${holder.host}; --fresh cannot move it`);
    }
    movedTo = `${paths.root}.old-${now().toISOString().replace(/[:.]/g, '-')}`;
    await rename(paths.root, movedTo);
    log(`moved the previous experiment folder to ${movedTo}`);
  }
  await mkdir(paths.checkpoints, { recursive: true });
  const lock = await acquireLock(paths.root, `wfo walkforward --experiment ${experiment}`, now);
  try {
    if (lock.tookOver) log(`warning: took over a stale lock of pid ${lock.tookOver.pid} (started ${lock.tookOver.startedAt}); that run is gone`);
    for (const leftover of await removeTempLeftovers(paths.root)) log(`removed temporary leftover ${leftover}`);
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
    const old = await CheckpointIndex.read(paths.root, experiment);
    const entries = scan.entries.map((e) => {
      const known = old?.get(e.path);
      return known && known.sha256 === e.sha256 ? { ...e, time: known.time } : e;
    });
    const index = CheckpointIndex.from(paths.root, experiment, entries, now);
    await index.save();
    const finished = await finishedIterations(paths, index, windows);
    if (resume) resume.finishedIterations = [...finished.keys()];
    return { lock, index, finished, previous, resume, movedTo };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

async function readPrevious(paths: ExperimentPaths): Promise<RunConfigRecord | null> {
  try {
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
async function finishedIterations(paths: ExperimentPaths, index: CheckpointIndex, windows: Window[]): Promise<Map<number, IterationRecord>> {
  const finished = new Map<number, IterationRecord>();
  for (const w of windows) {
    const n = w.iteration;
    for (const [kind, file] of [
      ['metrics', layout.metrics(n)],
      ['placeholder', layout.placeholder(n)],
    ] as const) {
      if (index.get(file)?.kind !== kind) continue;
      const record = iterationRecordSchema.parse(JSON.parse(await readFile(paths.at(file), 'utf8')));
      if (record.kind === 'model' && index.get(layout.preservedModel(n))?.sha256 !== record.model.sha256) continue;
      finished.set(n, record);
    }
  }
  return finished;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
