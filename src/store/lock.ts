import { open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { injectedFault } from './fault-injection.js';
import { CheckpointWriteError, ExperimentLockedError, isWriteFailure } from '../errors/index.js';
import { layout } from './layout.js';
import { lstatOrNull } from '../util/regular-file.js';

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface ExperimentLock {
  info: LockInfo;
  /** Set when a stale lock of a dead process was taken over. */
  tookOver: LockInfo | null;
  release(): Promise<void>;
}

/**
 * One writer per experiment: `.lock` holds pid, host and start time, created exclusively. A lock whose process
 * is gone (same host, pid no longer alive) is stale and taken over; any other is refused, naming the holder.
 */
export async function acquireLock(root: string, command: string, now: () => Date = () => new Date()): Promise<ExperimentLock> {
  const path = join(root, layout.lock);
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: now().toISOString(), command };
  let tookOver: LockInfo | null = null;
  try {
    const handle = await open(path, 'wx');
    try {
      const fault = injectedFault(path);
      if (fault) throw fault;
      await handle.writeFile(JSON.stringify(info));
      await handle.sync();
    } catch (err) {
      // A lock that could not be written (disk full) must not stay behind as an empty file that blocks nobody and confuses all.
      await handle.close();
      await rm(path, { force: true });
      throw err;
    }
    await handle.close();
  } catch (err) {
    if (isWriteFailure(err)) throw new CheckpointWriteError(path, err.code as string);
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = await readLock(root);
    if (holder && isAlive(holder)) {
      throw new ExperimentLockedError(
        `experiment ${root} is in use by ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); wait for it to finish or stop it first`,
      );
    }
    tookOver = holder;
    await writeFileAtomic(path, JSON.stringify(info));
  }
  return {
    info,
    tookOver,
    release: async () => {
      const current = await readLock(root);
      if (current && current.pid === info.pid && current.host === info.host) await rm(path, { force: true });
    },
  };
}

export async function readLock(root: string): Promise<LockInfo | null> {
  try {
    // Not a regular file (a FIFO would block the read): no lock of ours; taking it over refuses to write there.
    if (!(await lstatOrNull(join(root, layout.lock)))?.isFile()) return null;
    return JSON.parse(await readFile(join(root, layout.lock), 'utf8')) as LockInfo;
  } catch {
    // An unreadable or damaged lock holds no owner to wait for; taking it over rewrites it.
    return null;
  }
}

/** Whether the lock's process still runs; a lock from another host counts as alive (we cannot tell). */
export function isAlive(lock: LockInfo): boolean {
  if (lock.host !== hostname()) return true;
  if (lock.pid === process.pid) return true;
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
