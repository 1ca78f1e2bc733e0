import { open } from 'node:fs/promises';
import { z } from 'zod';
import type { LogRecord } from './logger.js';

/**
 * The longest run.log line kept. The pipeline's lines are under a kilobyte (a failed run listing its problems
 * takes a few); a longer line was not written by it, and holding it would only cost memory.
 */
export const MAX_RUN_LOG_LINE_BYTES = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
/** How many skipped lines a reading names (the count covers them all). */
const NAMED_SKIPS = 5;
/** The range of a JavaScript Date: a time outside it has no ISO form. */
const MAX_TIME_MS = 8.64e15;

/**
 * pino's fields that every reader of run.log relies on, and the two a filter reads; other fields pass through, each
 * checked by the reader that uses it.
 */
export const runLogRecordSchema = z.looseObject({
  level: z.number(),
  time: z.number().min(-MAX_TIME_MS).max(MAX_TIME_MS),
  msg: z.string(),
  event: z.string().optional(),
  // 0: the production model's (trained after the study).
  iteration: z.number().int().min(0).optional(),
  step: z.number().min(0).nullable().optional(),
});

/** Lines of run.log that a reading left out: how many, and the first few by line number and why. */
export interface SkippedLines {
  count: number;
  lines: Array<{ line: number; reason: string }>;
}

export interface RunLogReading {
  /** False when there is no run.log (an experiment that never ran). */
  exists: boolean;
  lines: number;
  skipped: SkippedLines;
}

/** A reader's verdict on a record: nothing when it used it, or why it skipped it (fields of the wrong type). */
export type RecordVisitor = (record: LogRecord, line: number) => string | void;

/**
 * Streams the records of a run log (pino JSON lines) in order, in memory bounded by one read chunk plus the
 * longest line kept. A line that is longer than `maxLineBytes`, is not JSON (the torn end of a killed write, or
 * something else appended), or whose pino fields have the wrong type is skipped and counted, as is one the visitor
 * rejects: the log observes and decides nothing, so a bad line costs its line, never the reading.
 */
export async function scanRunLog(file: string, visit: RecordVisitor, options: { maxLineBytes?: number } = {}): Promise<RunLogReading> {
  const skipped: SkippedLines = { count: 0, lines: [] };
  const skip = (line: number, reason: string) => {
    skipped.count++;
    if (skipped.lines.length < NAMED_SKIPS) skipped.lines.push({ line, reason });
  };
  const maxLineBytes = options.maxLineBytes ?? MAX_RUN_LOG_LINE_BYTES;
  const onLine = (bytes: Buffer, line: number) => {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      return skip(line, 'not JSON');
    }
    const parsed = runLogRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return skip(line, issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : 'not a JSON object');
    }
    // The line as written (the schema only checks; its output would reorder the keys).
    const rejected = visit(value as LogRecord, line);
    if (rejected) skip(line, rejected);
  };
  const onTooLong = (line: number, bytes: number) => skip(line, `${bytes} bytes, longer than the ${maxLineBytes} kept`);
  try {
    const lines = await forEachLine(file, maxLineBytes, onLine, onTooLong);
    return { exists: true, lines, skipped };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, lines: 0, skipped };
    throw err;
  }
}

/** Every record of a run log, oldest first (what `scanRunLog` keeps); a missing file is no lines. */
export async function readRunLog(file: string): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  await scanRunLog(file, (record) => void records.push(record));
  return records;
}

/** One line naming the skipped lines of `file`, or null when none was skipped. */
export function describeSkipped(file: string, skipped: SkippedLines): string | null {
  if (!skipped.count) return null;
  const named = skipped.lines.map((l) => `line ${l.line} (${l.reason})`).join(', ');
  const more = skipped.count > skipped.lines.length ? `, and ${skipped.count - skipped.lines.length} more` : '';
  return `${file}: ${skipped.count} line${skipped.count === 1 ? '' : 's'} skipped: ${named}${more}`;
}

/**
 * Calls `onLine` with each line of `file` (ended by \n or \r\n, or by the end of the file) and its number; a line
 * past `maxLineBytes` is dropped as it streams by, and `onTooLong` gets its number and length instead. Reads through
 * one reused buffer, copying out only the lines kept. Returns the number of lines.
 */
async function forEachLine(
  file: string,
  maxLineBytes: number,
  onLine: (bytes: Buffer, line: number) => void,
  onTooLong: (line: number, bytes: number) => void,
): Promise<number> {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  let parts: Buffer[] = [];
  let held = 0;
  let dropped = -1;
  let line = 0;
  const end = () => {
    line++;
    if (dropped >= 0) onTooLong(line, dropped);
    else {
      const bytes = Buffer.concat(parts, held);
      const cut = bytes.length && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
      if (cut.length) onLine(cut, line);
    }
    parts = [];
    held = 0;
    dropped = -1;
  };
  const handle = await open(file, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const read = chunk.subarray(0, bytesRead);
      let start = 0;
      while (start <= bytesRead) {
        const newline = read.indexOf(0x0a, start);
        const stop = newline < 0 ? bytesRead : newline;
        if (dropped >= 0) dropped += stop - start;
        else if (held + stop - start > maxLineBytes) {
          dropped = held + stop - start;
          parts = [];
          held = 0;
        } else if (stop > start) {
          parts.push(Buffer.from(chunk.subarray(start, stop)));
          held += stop - start;
        }
        if (newline < 0) break;
        end();
        start = newline + 1;
      }
    }
  } finally {
    await handle.close();
  }
  if (held > 0 || dropped >= 0) end();
  return line;
}
