import { open, readFile } from 'node:fs/promises';
import type { LogRecord } from './logger.js';

/**
 * The lines of a run log (pino JSON lines), oldest first. A missing file is no lines; a line that does not parse
 * (the torn end of a killed write, or something else appended) is skipped, since the log observes and decides nothing.
 */
export async function readRunLog(file: string): Promise<LogRecord[]> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  return parseLines(text);
}

/** The last `bytes` of a run log as lines (the first, probably cut, line dropped): enough for a live status. */
export async function readRunLogTail(file: string, bytes: number): Promise<LogRecord[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    return parseLines(start > 0 ? text.slice(text.indexOf('\n') + 1) : text);
  } finally {
    await handle.close();
  }
}

function parseLines(text: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) records.push(value as LogRecord);
    } catch {
      // a torn or foreign line
    }
  }
  return records;
}
