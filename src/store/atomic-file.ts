import { open, rename, rm, copyFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CheckpointWriteError, isWriteFailure } from '../errors/index.js';
import { injectedFault } from './fault-injection.js';

/** Marks a file being written; readers and listings skip such names and a new start removes them. */
export const TEMP_MARKER = '.tmp-';

export function isTempName(name: string): boolean {
  return name.includes(TEMP_MARKER);
}

/**
 * Writes a file so that readers see either the old content or the complete new one, never a part:
 * write `<path>.tmp-<pid>`, fsync it, rename over `path` (retrying EPERM/EBUSY briefly, as Windows needs when a
 * scanner holds the target), then fsync the folder so the rename itself survives a power cut.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await commitThroughTemp(path, async (temp) => {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/** Copies a committed file to a new name with the same atomic guarantee. */
export async function copyFileAtomic(from: string, to: string): Promise<void> {
  await commitThroughTemp(to, async (temp) => {
    await copyFile(from, temp);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

async function commitThroughTemp(path: string, fill: (temp: string) => Promise<void>): Promise<void> {
  const temp = `${path}${TEMP_MARKER}${process.pid}`;
  try {
    const fault = injectedFault(path);
    if (fault) throw fault;
    await fill(temp);
    await renameWithRetry(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw isWriteFailure(err) ? new CheckpointWriteError(path, err.code as string) : err;
  }
  await syncFolder(dirname(path));
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES') || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
}

export async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (err) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}
