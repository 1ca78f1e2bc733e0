import { createHash } from 'node:crypto';
import { fstatSync, readSync } from 'node:fs';

/**
 * The longest line read. A price row is well under a kilobyte and a header naming a hundred thousand columns
 * fits in a few MB; past this the file is not a CSV of prices, and holding the line would only cost memory.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/** Called with each line's bytes, buf[start..end) without its terminator; the buffer is reused afterwards. */
export type LineHandler = (buf: Buffer, start: number, end: number, line: number) => void;

export interface LineReaderOptions {
  /** Called after each chunk read, with the bytes read so far and the file's size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Called when a line passes MAX_LINE_BYTES, with its number and its first bytes; must throw. */
  onTooLong: (line: number, head: Buffer) => never;
  chunkBytes?: number;
}

/**
 * Reads a file in chunks through one reusable buffer, calling `onLine` for every line (ended by \n, \r\n or a
 * lone \r, so old Mac files read too), and returns the sha256 of all bytes read. A UTF-8 byte order mark at the
 * start is hashed but not passed on. Memory is one chunk plus the longest line.
 */
export function readLines(fd: number, onLine: LineHandler, options: LineReaderOptions): { sha256: string; bytes: number } {
  const total = fstatSync(fd).size;
  const hash = createHash('sha256');
  let buf = Buffer.allocUnsafe(options.chunkBytes ?? CHUNK_BYTES);
  let filled = 0;
  let start = 0;
  let scan = 0;
  let read = 0;
  let line = 0;
  let eof = false;
  let atFileStart = true;
  for (;;) {
    if (start > 0) {
      buf.copy(buf, 0, start, filled);
      filled -= start;
      scan -= start;
      start = 0;
    }
    if (filled === buf.length) {
      if (filled >= MAX_LINE_BYTES) options.onTooLong(line + 1, buf.subarray(0, 1024));
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_LINE_BYTES + 1));
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    const n = readSync(fd, buf, filled, buf.length - filled, null);
    if (n === 0) eof = true;
    else {
      hash.update(buf.subarray(filled, filled + n));
      filled += n;
      read += n;
      options.onProgress?.(read, total);
    }
    if (atFileStart && (filled >= 3 || eof)) {
      atFileStart = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = scan = 3;
    }
    if (atFileStart) continue;
    let i = scan;
    while (i < filled) {
      const b = buf[i];
      if (b !== LF && b !== CR) {
        i++;
        continue;
      }
      // A \r at the end of what is buffered may be the first half of \r\n: wait for the next byte.
      if (b === CR && i + 1 === filled && !eof) break;
      onLine(buf, start, i, ++line);
      i += b === CR && buf[i + 1] === LF ? 2 : 1;
      start = i;
    }
    scan = i;
    if (eof) {
      if (start < filled) onLine(buf, start, filled, line + 1);
      return { sha256: hash.digest('hex'), bytes: read };
    }
    if (filled - start > MAX_LINE_BYTES) options.onTooLong(line + 1, buf.subarray(start, start + 1024));
  }
}
