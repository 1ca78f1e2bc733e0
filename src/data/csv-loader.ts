import { closeSync, fstatSync, openSync } from 'node:fs';
import { DataError } from '../errors/index.js';
import { quote } from '../errors/index.js';
import type { DataConfig } from './config.js';
import { CsvTable } from './csv-table.js';
import { MAX_LINE_BYTES, readLines } from './line-reader.js';
import type { PriceSeries } from './price-series.js';

export type LoadOptions = Pick<DataConfig, 'path' | 'priceColumn' | 'dateColumn' | 'fillMissing'> & {
  /** Called after each chunk (1 MiB) read, for a progress line on big files. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
};

/**
 * Reads a CSV with a header row into columnar typed arrays. Every problem names the file and the line
 * (line 1 is the header). Nothing is dropped; empty or NaN cells are an error unless fillMissing is ffill.
 * The file streams through a 1 MiB buffer into the columns (the sha256 of its bytes computed on the way), so
 * memory is the columns and the dates, not the text; lines may end in \n, \r\n or \r.
 */
export function loadPriceSeries(options: LoadOptions): PriceSeries {
  const file = options.path;
  const cannotRead = (err: unknown) => new DataError(file, `cannot read the data file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw cannotRead(err);
  }
  try {
    const table = new CsvTable(file, options, fstatSync(fd).size);
    const tooLong = (line: number, head: Buffer): never => {
      throw new DataError(file, `a line is longer than ${MAX_LINE_BYTES / 2 ** 20} MiB, so this is not a CSV of prices; it starts ${quote(head.toString('utf8'))}`, line);
    };
    const { sha256 } = readLines(fd, table.line, { onProgress: options.onProgress, onTooLong: tooLong });
    return table.finish(sha256);
  } catch (err) {
    if (err instanceof DataError || !(err as NodeJS.ErrnoException).code) throw err;
    throw cannotRead(err);
  } finally {
    closeSync(fd);
  }
}
