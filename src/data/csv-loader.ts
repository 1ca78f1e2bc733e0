import { readFileSync } from 'node:fs';
import { DataError } from '../errors/index.js';
import { sha256 } from '../util/hash.js';
import type { DataConfig } from '../config/schema.js';
import type { PriceSeries } from './price-series.js';

type LoadOptions = Pick<DataConfig, 'path' | 'priceColumn' | 'dateColumn' | 'fillMissing'>;

/**
 * Reads a CSV with a header row into columnar typed arrays. Every problem names the file and the line
 * (line 1 is the header). Nothing is dropped; empty or NaN cells are an error unless fillMissing is ffill.
 */
export function loadPriceSeries(options: LoadOptions): PriceSeries {
  const file = options.path;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new DataError(file, `cannot read the data file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lines = bytes.toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new DataError(file, 'the file is empty; expected a header row and data rows');

  const header = splitCsvLine(lines[0]).map((h) => h.trim().toLowerCase());
  const priceColumn = options.priceColumn.toLowerCase();
  const priceIndex = header.indexOf(priceColumn);
  if (priceIndex < 0) {
    throw new DataError(file, `no "${options.priceColumn}" column; columns are: ${header.join(', ')} (choose one with --price-column)`, 1);
  }
  const dateIndex = header.indexOf(options.dateColumn.toLowerCase());
  const rows = lines.length - 1;
  if (rows < 2) throw new DataError(file, `only ${rows} data row(s); a price series needs at least 2`);

  const cells = lines.slice(1).map((line, i) => {
    const values = splitCsvLine(line);
    if (values.length !== header.length) {
      throw new DataError(file, `has ${values.length} fields, the header has ${header.length}`, i + 2);
    }
    return values;
  });

  const numericIndexes = header
    .map((_, j) => j)
    .filter((j) => j === priceIndex || (j !== dateIndex && looksNumeric(cells, j)));
  const columns: Record<string, Float64Array> = {};
  const filled: string[] = [];
  for (const j of numericIndexes) {
    columns[header[j]] = parseNumericColumn(file, header[j], cells, j, options.fillMissing === 'ffill', filled);
  }
  const price = columns[priceColumn];
  for (let i = 0; i < rows; i++) {
    if (!(price[i] > 0)) throw new DataError(file, `${priceColumn} is ${price[i]}; prices must be positive`, i + 2);
  }
  const dates = dateIndex >= 0 ? parseDates(file, cells, dateIndex) : null;
  return { file, sha256: sha256(bytes), rows, dates, columns, priceColumn, price, filled };
}

/** Splits one CSV line, honouring double-quoted fields with "" escapes. */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(field), (field = '');
    else field += ch;
  }
  out.push(field);
  return out;
}

function isMissing(cell: string): boolean {
  const t = cell.trim().toLowerCase();
  return t === '' || t === 'nan' || t === 'na' || t === 'null';
}

function looksNumeric(cells: string[][], j: number): boolean {
  const first = cells.find((row) => !isMissing(row[j]));
  return first !== undefined && Number.isFinite(Number(first[j].trim()));
}

function parseNumericColumn(
  file: string,
  name: string,
  cells: string[][],
  j: number,
  ffill: boolean,
  filled: string[],
): Float64Array {
  const out = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i][j];
    const line = i + 2;
    if (isMissing(cell)) {
      if (!ffill) throw new DataError(file, `${name} is empty or NaN; fix the file or set data.fillMissing=ffill`, line);
      if (i === 0) throw new DataError(file, `${name} is empty on the first data row, so there is nothing to fill forward`, line);
      out[i] = out[i - 1];
      filled.push(`${name}:${line}`);
      continue;
    }
    const value = Number(cell.trim());
    if (!Number.isFinite(value)) throw new DataError(file, `${name} is "${cell}", which is not a number`, line);
    out[i] = value;
  }
  return out;
}

function parseDates(file: string, cells: string[][], j: number): string[] {
  const dates: string[] = [];
  let previous = -Infinity;
  const firstLine = new Map<string, number>();
  for (let i = 0; i < cells.length; i++) {
    const text = cells[i][j].trim();
    const line = i + 2;
    const time = Date.parse(text);
    if (!Number.isFinite(time)) throw new DataError(file, `date "${text}" is not a date (expected e.g. 2020-01-31)`, line);
    const seen = firstLine.get(text);
    if (seen !== undefined) throw new DataError(file, `duplicate date ${text} (first at line ${seen})`, line);
    if (time <= previous) throw new DataError(file, `date ${text} is not after the previous row's ${dates[i - 1]}; rows must be in increasing date order`, line);
    firstLine.set(text, line);
    previous = time;
    dates.push(text);
  }
  return dates;
}
