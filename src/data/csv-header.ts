import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { clip, DataError, quote } from '../errors/index.js';

/**
 * The longest line read. A price row is well under a kilobyte and a header naming a hundred thousand columns fits in
 * a few MB; past this the file is not a CSV of prices, and holding the line would only cost memory.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** The header row of a CSV: its names (trimmed, lower-cased) and its text, read without reading the rest. */
export interface CsvHeader {
  names: string[];
  text: string;
}

/** Reads the first line (after a UTF-8 byte order mark); an empty or blank file is a DataError saying so. */
export function readCsvHeader(file: string): CsvHeader {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new DataError(file, `cannot read the data file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    let buf = Buffer.allocUnsafe(64 * 1024);
    let filled = 0;
    for (;;) {
      const n = readSync(fd, buf, filled, buf.length - filled, null);
      filled += n;
      const end = firstLineEnd(buf, filled);
      if (end >= 0 || n === 0) return header(file, buf.subarray(0, end >= 0 ? end : filled), n === 0 && end < 0);
      if (filled > MAX_LINE_BYTES) {
        throw new DataError(file, `a line is longer than ${MAX_LINE_BYTES / 2 ** 20} MiB, so this is not a CSV of prices; it starts ${quote(buf.toString('utf8', 0, 1024))}`, 1);
      }
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 4, MAX_LINE_BYTES + 1024));
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function firstLineEnd(buf: Buffer, filled: number): number {
  for (let i = 0; i < filled; i++) if (buf[i] === 0x0a || buf[i] === 0x0d) return i;
  return -1;
}

function header(file: string, bytes: Buffer, wholeFile: boolean): CsvHeader {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = bytes.toString('utf8', start);
  if (text.trim() === '') {
    const blank = wholeFile || (statSync(file).size <= MAX_LINE_BYTES && readFileSync(file, 'utf8').trim() === '');
    throw new DataError(file, `${blank ? 'the file is empty' : 'the first line is blank'}; expected a header row and data rows`);
  }
  return { names: splitCsvLine(text).map((h) => h.trim().toLowerCase()), text };
}

/** A column the config names that the header lacks: the columns there are, and a hint when the separator is not a comma. */
export function missingColumn(file: string, header: CsvHeader, column: string, setting: string): DataError {
  const hint = separatorHint(header.text);
  const columns = `no ${quote(column)} column; columns are: ${clip(header.names.join(', '))}`;
  return new DataError(file, hint ? `${columns}. ${hint}` : `${columns} (choose one with ${setting})`, 1);
}

/** Splits one CSV line, honouring double-quoted fields with "" escapes. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

const separators: Array<[string, string]> = [
  [';', 'semicolons (;)'],
  ['\t', 'tabs'],
  ['|', 'vertical bars (|)'],
];

/** When a line holds no comma but another common separator, a sentence saying which. */
export function separatorHint(text: string): string | null {
  const head = text.slice(0, 4096);
  const count = (s: string) => head.split(s).length - 1;
  const commas = count(',');
  let best: [string, number] | null = null;
  for (const [sep, name] of separators) {
    const n = count(sep);
    if (n > commas && n > (best?.[1] ?? 0)) best = [name, n];
  }
  return best ? `The file seems to be separated by ${best[0]}; it must be comma-separated` : null;
}
