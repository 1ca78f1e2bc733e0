import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';

/** The entries of a folder that may not exist yet (none then); any other failure to read it is the caller's. */
export async function entriesIfPresent(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
