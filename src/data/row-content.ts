import { createHash } from 'node:crypto';
import type { PriceSeries } from './price-series.js';

/** Blocks the loaded rows are hashed in: few enough to record, enough to say roughly where an old row changed. */
const BLOCKS = 32;

/**
 * The loaded rows' content as config.json records it: hashes of consecutive blocks of `blockRows` rows (dates, prices,
 * columns, SQL features, a panel's instruments and where they lack bars). Hashing what was loaded, not the file's
 * bytes, works alike for CSV, Parquet and folders of instruments, and a later load with rows appended hashes its first
 * `rows` rows the same.
 */
export interface RowContent {
  /** What the blocks hash, by name: the price, the numeric columns, the SQL features, a panel's instruments. */
  columns: string[];
  rows: number;
  blockRows: number;
  blocks: string[];
}

export function rowContent(series: PriceSeries): RowContent {
  const blockRows = Math.max(1, Math.ceil(series.rows / BLOCKS));
  const columns = namedColumns(series).map(([name]) => name);
  return { columns, rows: series.rows, blockRows, blocks: blockHashes(series, series.rows, blockRows) };
}

/** How `series` relates to the recorded rows: the same rows, those rows with more after them, or other rows or columns. */
export type RowComparison =
  | { kind: 'same' }
  | { kind: 'appended' }
  | { kind: 'shrank' }
  | { kind: 'columns'; added: string[]; removed: string[] }
  | { kind: 'changed'; firstRow: number; lastRow: number };

export function compareRows(recorded: RowContent, series: PriceSeries): RowComparison {
  const columns = namedColumns(series).map(([name]) => name);
  if (JSON.stringify(columns) !== JSON.stringify(recorded.columns)) {
    return { kind: 'columns', added: columns.filter((c) => !recorded.columns.includes(c)), removed: recorded.columns.filter((c) => !columns.includes(c)) };
  }
  if (series.rows < recorded.rows) return { kind: 'shrank' };
  const now = blockHashes(series, recorded.rows, recorded.blockRows);
  const differs = now.findIndex((hash, i) => hash !== recorded.blocks[i]);
  if (differs < 0 && now.length === recorded.blocks.length) return { kind: series.rows === recorded.rows ? 'same' : 'appended' };
  const first = Math.max(0, differs) * recorded.blockRows;
  return { kind: 'changed', firstRow: first, lastRow: Math.min(recorded.rows, first + recorded.blockRows) - 1 };
}

function blockHashes(series: PriceSeries, rows: number, blockRows: number): string[] {
  const columns = namedColumns(series);
  const blocks: string[] = [];
  for (let start = 0; start < rows; start += blockRows) {
    const end = Math.min(rows, start + blockRows);
    const hash = createHash('sha256');
    if (series.dates) hash.update(JSON.stringify(series.dates.slice(start, end)));
    // Where an instrument lacks bars (align ffill), clipped to the block: a gap at the end grows with appended rows.
    const gaps = series.gaps.filter((g) => g.from < end && g.to >= start);
    if (gaps.length) hash.update(JSON.stringify(gaps.map((g) => [g.symbol, Math.max(g.from, start), Math.min(g.to, end - 1)])));
    for (const [, values] of columns) hash.update(new Uint8Array(values.buffer, values.byteOffset + start * 8, (end - start) * 8));
    blocks.push(hash.digest('hex'));
  }
  return blocks;
}

function namedColumns(series: PriceSeries): [string, Float64Array][] {
  const named: [string, Float64Array][] = [['price', series.price]];
  const sorted = (r: Record<string, Float64Array>) => Object.keys(r).sort();
  for (const k of sorted(series.columns)) named.push([`column ${k}`, series.columns[k]]);
  for (const k of sorted(series.features)) named.push([`feature ${k}`, series.features[k]]);
  for (const i of series.panel ?? []) {
    named.push([`${i.symbol} price`, i.price]);
    for (const k of sorted(i.features)) named.push([`${i.symbol} feature ${k}`, i.features[k]]);
  }
  return named;
}
