import { closeSync, constants, fstatSync, lstatSync, openSync, type Stats } from 'node:fs';
import { access, lstat, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NotOwnedError } from '../errors/index.js';

/**
 * Every file this program writes is a regular file it made. A device, FIFO, socket, link or folder at such a path was
 * put there by someone else: writing to it could block forever (a FIFO), feed a device, or write through a link to
 * a file elsewhere, so it is refused, naming the path and what is there.
 */

const DEFAULT_HINT = 'move it away or choose another path';

/** What a directory entry is, in words. */
export function entryKind(info: Stats): string {
  if (info.isFile()) return 'a regular file';
  if (info.isDirectory()) return 'a folder';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

export function notRegularFile(path: string, info: Stats, hint = DEFAULT_HINT): NotOwnedError {
  return new NotOwnedError(path, `refusing to write ${path}: it is ${entryKind(info)}, not a regular file this program wrote; ${hint}`);
}

/** The entry at `path` without following a link, or null when there is none. */
export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Resolves when `path` is absent or a regular file; refuses anything else (links are not followed). */
export async function refuseNonRegular(path: string, hint?: string): Promise<void> {
  const info = await lstatOrNull(path);
  if (info && !info.isFile()) throw notRegularFile(path, info, hint);
}

/** Resolves when `path` is absent or a real folder; refuses a link (to a folder elsewhere) or anything else. */
export async function refuseNonFolder(path: string, hint = DEFAULT_HINT): Promise<void> {
  const info = await lstatOrNull(path);
  if (info && !info.isDirectory()) {
    throw new NotOwnedError(path, `refusing to write in ${path}: it is ${entryKind(info)}, not a folder this program made; ${hint}`);
  }
}

export function refuseNonRegularSync(path: string, hint?: string): void {
  let info: Stats | null = null;
  try {
    info = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (info && !info.isFile()) throw notRegularFile(path, info, hint);
}

/**
 * Append without following a link (O_NOFOLLOW) and without waiting for a FIFO's reader (O_NONBLOCK, which changes
 * nothing for a regular file); what opened is checked to be a regular file before anything is written.
 */
const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
/** The codes open() gives for a link (ELOOP), a FIFO without reader or a socket (ENXIO), a folder (EISDIR). */
const NOT_A_FILE_CODES = new Set(['ELOOP', 'ENXIO', 'EISDIR', 'EOPNOTSUPP', 'EMLINK']);

/** Opens a file of ours for appending (creating it unless `create` is false), refusing a path that is not a regular file. */
export async function openForAppend(path: string, hint?: string, options: { create?: boolean } = {}): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, options.create === false ? APPEND_FLAGS & ~constants.O_CREAT : APPEND_FLAGS, 0o644);
  } catch (err) {
    // Nothing there to describe: the open's own error is rethrown.
    const info = NOT_A_FILE_CODES.has((err as NodeJS.ErrnoException).code ?? '') ? await lstatOrNull(path).catch(() => null) : null;
    throw info && !info.isFile() ? notRegularFile(path, info, hint) : err;
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw notRegularFile(path, info, hint);
  }
  return handle;
}

/** openForAppend for a synchronous writer (the run log): returns the file descriptor. */
export function openForAppendSync(path: string, hint?: string): number {
  let fd: number;
  try {
    fd = openSync(path, APPEND_FLAGS, 0o644);
  } catch (err) {
    if (NOT_A_FILE_CODES.has((err as NodeJS.ErrnoException).code ?? '')) refuseNonRegularSync(path, hint);
    throw err;
  }
  const info = fstatSync(fd);
  if (!info.isFile()) {
    closeSync(fd);
    throw notRegularFile(path, info, hint);
  }
  return fd;
}

/** The first folder on the way to `path` that this process may not enter (for a message naming it), else `path`. */
export async function deniedFolder(path: string): Promise<string> {
  const chain: string[] = [];
  for (let p = dirname(path); dirname(p) !== p; p = dirname(p)) chain.unshift(p);
  for (const folder of chain) {
    const ok = await access(folder, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!ok) return folder;
  }
  return path;
}
