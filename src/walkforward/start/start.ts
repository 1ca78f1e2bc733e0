import { experimentRecords } from '../../store/experiment-records.js';
import { rename } from 'node:fs/promises';
import { CheckpointIndex } from '../../store/index-store.js';
import { ResumeRefusedError } from '../../errors/index.js';
import { isAlive, readLock, type ExperimentLock } from '../../store/lock.js';
import { removeTempLeftovers } from '../../retention/delete.js';
import { checkOwned } from '../../store/ownership.js';
import { openForWriting } from './open-folder.js';
import { scanExperiment } from '../../store/scan.js';
import { ExperimentLockedError } from '../../errors/index.js';
import type { PipelineConfig } from '../../config/schema.js';
import { type IterationRecord, type ResumeEvent, type RunConfigRecord } from '../../records/index.js';
import type { ExperimentPlan } from '../../plan/plan.js';
import type { Window } from '../../windows/build-windows.js';
import { layout, type ExperimentPaths } from '../../store/layout.js';
import { describeChanges, readPrevious, seedInUse } from './previous-run.js';
import { planWarnings } from './plan-warnings.js';
import { dataChange } from './data-change.js';

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

/**
 * Opens the experiment folder for writing: takes the lock, removes temporary leftovers, refuses to resume over a
 * changed config or data file (unless forced; rows only appended to the data extend the study), rebuilds the index
 * from what verifies on disk and finds the iterations that are already finished.
 */
export async function startExperiment(
  paths: ExperimentPaths,
  experiment: string,
  config: PipelineConfig,
  plan: Pick<ExperimentPlan, 'series' | 'windows' | 'coverage'>,
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
    for (const line of planWarnings(config, plan, options.workers)) log(`warning: ${line}`);
    const previous = await readPrevious(paths);
    let resume: ResumeEvent | null = null;
    if (previous) {
      const data = dataChange(previous, config, plan);
      const changes = [...describeChanges(previous, config), ...(data.change ? [data.change] : [])];
      if (changes.length && !options.force) {
        throw new ResumeRefusedError(
          `experiment ${experiment} was started with another configuration or data; resuming would mix results:\n` +
            changes.map((c) => `  - ${c}`).join('\n') +
            '\nUse --force to resume anyway (recorded in the summary), --fresh to start over, or another --experiment id.',
        );
      }
      if (data.note) log(data.note);
      resume = {
        at: now().toISOString(),
        forced: changes.length > 0,
        changes,
        finishedIterations: [],
        ...(data.appended && { dataAppended: data.appended }),
      };
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
    const finished = await finishedIterations(paths, index, plan.windows, log);
    if (resume) resume.finishedIterations = [...finished.keys()];
    return { lock, index, finished, previous, resume, movedTo, seed: seedInUse(previous, config, experiment, log) };
  } catch (err) {
    await lock.release();
    throw err;
  }
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
      const record = await experimentRecords(paths.root).iteration(file);
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
