import { readdir, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { isEventFileName, readGoodPrefix, type GoodPrefix } from './reader.js';

/** Our event files: `events.out.tfevents.<startSeconds>.wfo` (TensorBoard only needs `tfevents` in the name). */
export const OWN_EVENT_FILE = /^events\.out\.tfevents\.(\d+)\.wfo$/;

/** An event file whose records do not all check: where its good prefix ends and why. */
export interface EventFileDamage {
  file: string;
  /** Where the first bad (or incomplete) record starts: the records before it are good. */
  offset: number;
  /** A CRC mismatch, an event that does not decode, or an incomplete last record. */
  problem: string;
  goodRecords: number;
  /** Bytes from the offset to the end: what cutting the file back to its good prefix drops. */
  droppedBytes: number;
  /** Written by this program (by its name), so a writer or a repair may cut it back; another's file is only reported. */
  own: boolean;
}

/** The damage of one event file as its good prefix shows it, or null when every record checks. */
export function damageOf(file: string, name: string, prefix: GoodPrefix): EventFileDamage | null {
  if (!prefix.damage && !prefix.tornTail) return null;
  const offset = prefix.damage?.offset ?? prefix.completeBytes;
  return {
    file,
    offset,
    problem: prefix.damage?.problem ?? 'incomplete record at the end of the file (a write cut short)',
    goodRecords: prefix.events.length,
    droppedBytes: prefix.size - offset,
    own: OWN_EVENT_FILE.test(name),
  };
}

/** Cuts an event file back to its good prefix, so that appending continues after the last good record. */
export async function cutToGoodPrefix(damage: EventFileDamage): Promise<void> {
  await truncate(damage.file, damage.offset);
}

/**
 * Every event file under `folder` (its subfolders included: one per run, seeds nested) whose records do not all
 * check. Only regular files are read: a link is not followed. A missing folder has none.
 */
export async function findDamagedEventFiles(folder: string): Promise<EventFileDamage[]> {
  const found: EventFileDamage[] = [];
  const entries = await readdir(folder, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
    throw err;
  });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await findDamagedEventFiles(path)));
    else if (entry.isFile() && isEventFileName(entry.name)) {
      const damage = damageOf(path, entry.name, await readGoodPrefix(path));
      if (damage) found.push(damage);
    }
  }
  return found;
}
