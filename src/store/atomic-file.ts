import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm, copyFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CheckpointWriteError, isWriteFailure } from '../errors/index.js';
import { refuseNonRegular } from '../util/regular-file.js';
import { injectedFault } from './fault-injection.js';

/** Marks a file being written; readers and listings skip such names and a new start removes them. */
export const TEMP_MARKER = '.tmp-';

/** `<name>.tmp-<pid>-<8 hex>`: the only names this program gives its temporary files. */
const TEMP_NAME = /\.tmp-\d+-[0-9a-f]{8}$/;

/** Whether a file name (or a path ending in one) is a temporary file this program makes; nothing else is removed as one. */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** A fresh temporary name beside `path`: the pid says which process wrote it, the random part keeps two writers apart. */
export function tempPathFor(path: string): string {
  return `${path}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
}

export interface WriteOptions {
  /** What to tell the user when `path` is not a regular file (default: move it away or choose another path). */
  hint?: string;
}

/** A file written and fsynced under its temporary name, not yet visible under its own. */
export interface StagedFile {
  readonly path: string;
  readonly temp: string;
  /** Renames it over `path` (refusing a `path` that is not a regular file) and fsyncs the folder. */
  commit(): Promise<void>;
  /** Removes the temporary file (when the write is abandoned). */
  discard(): Promise<void>;
}

/**
 * Writes a file so that readers see either the old content or the complete new one, never a part:
 * write `<path>.tmp-<pid>-<random>` (created exclusively, so never through a link), fsync it, rename over `path`
 * (retrying EPERM/EBUSY briefly, as Windows needs when a scanner holds the target), then fsync the folder so the
 * rename itself survives a power cut. A `path` that is a device, FIFO, socket, link or folder is refused (NotOwnedError).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  const staged = await stageFile(path, (handle) => handle.writeFile(data), options);
  await staged.commit();
}

/** Copies a committed file to a new name with the same atomic guarantee. */
export async function copyFileAtomic(from: string, to: string, options: WriteOptions = {}): Promise<void> {
  const staged = await stageThrough(
    to,
    async (temp) => {
      await copyFile(from, temp, constants.COPYFILE_EXCL);
      const handle = await open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    options,
  );
  await staged.commit();
}

/** Writes the temporary file of `path` through `write` (e.g. in chunks) and fsyncs it; commit() makes it visible. */
export function stageFile(path: string, write: (handle: FileHandle) => Promise<void>, options: WriteOptions = {}): Promise<StagedFile> {
  return stageThrough(
    path,
    async (temp) => {
      const handle = await open(temp, 'wx');
      try {
        await write(handle);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    options,
  );
}

async function stageThrough(path: string, fill: (temp: string) => Promise<void>, options: WriteOptions): Promise<StagedFile> {
  const temp = tempPathFor(path);
  // The temporary file may never have been created; the original error is what the caller reports.
  const discard = () => rm(temp, { force: true }).catch(() => undefined);
  try {
    await refuseNonRegular(path, options.hint);
    const fault = injectedFault(path);
    if (fault) throw fault;
    await fill(temp);
  } catch (err) {
    await discard();
    throw explained(path, err);
  }
  return {
    path,
    temp,
    discard,
    commit: async () => {
      try {
        // Checked again just before the rename: whatever is at `path` now is what the rename replaces.
        await refuseNonRegular(path, options.hint);
        await renameWithRetry(temp, path);
      } catch (err) {
        await discard();
        throw explained(path, err);
      }
      await syncFolder(dirname(path));
    },
  };
}

const explained = (path: string, err: unknown) => (isWriteFailure(err) ? new CheckpointWriteError(path, err.code as string) : err);

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
