import { lstat, mkdir, rm, rmdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CheckpointWriteError, PipelineError, UsageError } from '../../errors/index.js';
import { acquireLock, type ExperimentLock } from '../../store/lock.js';
import { layout, type ExperimentPaths } from '../../store/layout.js';
import { claimFolder } from '../../store/ownership.js';

/** Folders the pipeline writes in: each must be a real folder inside the experiment, never a link to elsewhere. */
const WRITTEN_FOLDERS = ['', layout.checkpoints, layout.iterations, layout.visualizations, layout.tensorboard, layout.archiveFolder];

/**
 * Creates the experiment folder (or claims an existing one: see store/ownership.ts) and takes its lock, turning what
 * the file system says into words (a results path that is a file, a read-only or full disk, a name too long) and
 * leaving no empty folder, marker or lock behind on failure.
 */
export async function openForWriting(
  paths: ExperimentPaths,
  experiment: string,
  now: () => Date,
  log: (line: string) => void,
): Promise<ExperimentLock> {
  const resultsDir = dirname(paths.root);
  const created: string[] = [];
  let claimed = false;
  try {
    for (const folder of [resultsDir, paths.root]) if (!(await exists(folder))) created.push(folder);
    for (const folder of WRITTEN_FOLDERS.map((f) => paths.at(f))) {
      // Not there yet: it is created below.
      const info = await lstat(folder).catch(() => null);
      if (info?.isSymbolicLink()) {
        throw new UsageError(`${folder} is a symbolic link; the pipeline writes only inside ${resultsDir}: replace it by a real folder`);
      }
    }
    // Level by level below the results folder: a recursive mkdir reports ENOENT on a read-only file system.
    await mkdir(resultsDir, { recursive: true });
    if (created.includes(paths.root)) await mkdir(paths.root);
    claimed = (await claimFolder(paths.root, 'experiment', experiment, { now, log })) === 'claimed';
    if (!(await exists(paths.checkpoints))) {
      created.push(paths.checkpoints);
      await mkdir(paths.checkpoints);
    }
    return await acquireLock(paths.root, `wfo walkforward --experiment ${experiment}`, now);
  } catch (err) {
    // Undoing a start that failed: the error being thrown is the one that matters.
    if (claimed) await rm(paths.at(layout.ownerMarker), { force: true }).catch(() => undefined);
    // As above: a folder no longer empty stays.
    for (const folder of created.reverse()) await rmdir(folder).catch(() => undefined);
    throw await explainStartFailure(err, resultsDir, paths.root);
  }
}

async function explainStartFailure(err: unknown, resultsDir: string, root: string): Promise<unknown> {
  if (err instanceof PipelineError) return err;
  const e = err as NodeJS.ErrnoException;
  const where = e.path ?? root;
  switch (e.code) {
    case 'ENOTDIR':
    case 'EEXIST': {
      // Said only when a file really is in the way (an immutable folder must not be called a file).
      if (await firstNonFolder(resultsDir)) {
        return new UsageError(
          `cannot create the experiment folder ${root}: ${resultsDir} or a folder above it is a file; give --results-dir a folder`,
        );
      }
      return new CheckpointWriteError(where, e.code);
    }
    case 'ENAMETOOLONG':
      return new UsageError(`cannot create ${where}: the path is too long for the file system; use a shorter --experiment id or --results-dir`);
    case 'ENOENT':
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EIO':
      return new CheckpointWriteError(where, e.code);
    default:
      return err;
  }
}

/** The first path on the way down to `path` that exists and is not a folder, or null. */
async function firstNonFolder(path: string): Promise<string | null> {
  const chain: string[] = [];
  for (let p = path; dirname(p) !== p; p = dirname(p)) chain.unshift(p);
  for (const p of chain) {
    // The first missing folder on the path ends the walk.
    const info = await stat(p).catch(() => null);
    if (!info) return null;
    if (!info.isDirectory()) return p;
  }
  return null;
}

/** Whether a path exists; a refusal to look (EACCES) is an error, never "absent". */
async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}
