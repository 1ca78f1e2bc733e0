import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DataError } from '../errors/index.js';

export type LineEnd = '\n' | '\r\n' | '\r';

/** What one pass over a file's bytes tells before DuckDB reads it: its hash, its line ends and where lines are empty. */
export interface FileScan {
  file: string;
  sha256: string;
  bytes: number;
  /** The one kind of line end the file uses; null when it has a single line. */
  lineEnd: LineEnd | null;
  /**
   * Lines that start no record: empty ones (DuckDB skips them) and those inside a quoted field that spans lines; a
   * record's line is its position plus the skipped lines before it.
   */
  skippedLines: number[];
  /** How many data records the file holds (lines after the header that start one). */
  records: number;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const CHUNK = 1 << 20;
/** Past this many skipped lines their positions stop being kept; line numbers in messages are then approximate. */
const MAX_SKIPPED_KEPT = 100_000;

/**
 * Streams the file once through a 1 MiB buffer: the sha256 of its bytes, the count of each kind of line end, the
 * records and the lines that start none (a binary file, `lines` false, only its hash). A file that mixes kinds of line end is refused: DuckDB reads one kind per file and, given another,
 * can return no rows at all rather than an error.
 */
export function scanFile(file: string, lines = true): FileScan {
  const cannotRead = (err: unknown) => new DataError(file, `cannot read the data file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw cannotRead(err);
  }
  try {
    if (!fstatSync(fd).isFile()) throw cannotRead({ code: 'not a regular file' });
    return scanOpen(fd, file, lines);
  } catch (err) {
    if (err instanceof DataError || !(err as NodeJS.ErrnoException).code) throw err;
    throw cannotRead(err);
  } finally {
    closeSync(fd);
  }
}

function scanOpen(fd: number, file: string, lines: boolean): FileScan {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  const counts = { lf: 0, cr: 0, crlf: 0 };
  const skippedLines: number[] = [];
  let skipped = 0;
  const skip = (line: number) => {
    skipped++;
    if (skippedLines.length < MAX_SKIPPED_KEPT) skippedLines.push(line);
  };
  let line = 1;
  let previous = -1;
  let hasBytes = false;
  let continues = false;
  let quote: 0 | 1 | 2 = 0; // outside quotes, inside, or just after a quote inside (the end, or the first of "")
  let bytes = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, null);
    if (n === 0) break;
    hash.update(buf.subarray(0, n));
    bytes += n;
    for (let i = 0; lines && i < n; i++) {
      const b = buf[i];
      const before = previous;
      previous = b;
      if (quote === 2) quote = b === QUOTE ? 1 : 0;
      else if (b === QUOTE) {
        if (quote === 1) quote = 2;
        else if (!hasBytes || before === COMMA) quote = 1;
      }
      if (b !== LF && b !== CR) {
        hasBytes = true;
        continue;
      }
      if (b === LF && before === CR) {
        counts.crlf++;
        continue; // the \r already ended this line
      }
      if (b === LF) counts.lf++;
      else counts.cr++;
      if (!hasBytes && !continues && line > 1) skip(line);
      line++;
      continues = quote === 1;
      if (continues) skip(line);
      hasBytes = false;
    }
  }
  const lastLine = hasBytes || continues ? line : line - 1;
  // A \r\n was counted once as \r and once as \r\n.
  const kinds: Array<[LineEnd, number, string]> = [
    ['\r\n', counts.crlf, '\\r\\n'],
    ['\n', counts.lf, '\\n'],
    ['\r', counts.cr - counts.crlf, '\\r'],
  ];
  const used = kinds.filter(([, count]) => count > 0);
  if (used.length > 1) {
    const said = used.map(([, count, name]) => `${count} end in ${name}`).join(', ');
    throw new DataError(file, `mixes kinds of line end (${said}); save it with one kind (e.g. dos2unix) and run again`);
  }
  const records = lines ? Math.max(0, lastLine - 1 - skipped) : 0;
  return { file, sha256: hash.digest('hex'), bytes, lineEnd: used[0]?.[0] ?? null, skippedLines, records };
}

/** The line of the k-th record DuckDB read (k from 1; line 1 is the header), counting the lines that start none. */
export function lineOfRecord(scan: FileScan, k: number): number {
  let line = k + 1;
  for (const skipped of scan.skippedLines) {
    if (skipped > line) break;
    line++;
  }
  return line;
}
