import { DataError } from '../errors/index.js';
import type { DataConfig } from './config.js';
import { MAX_LINE_BYTES, missingColumn, readCsvHeader } from './csv-header.js';
import { sqlName, sqlString, type DataEngine } from './engine.js';
import { scanFile, type FileScan } from './file-scan.js';
import type { Source } from './sources.js';

export type RelationOptions = Pick<DataConfig, 'priceColumn' | 'dateColumn' | 'symbolColumn'> & { implied: string };

/**
 * One file as SQL over its rows, in the order of the file: where they come from (`from`, optionally recording the
 * rows a CSV reader rejects in the named table), the symbol, the date as written (a Parquet date written as ISO), that
 * date as an instant, and per numeric candidate column its cells: text for CSV (converted later, with the same rules
 * for every file), DOUBLE for Parquet.
 */
export interface SourceRelation {
  source: Source;
  index: number;
  sha256: string;
  /** A CSV's line ends, records and skipped lines, to check the record count and name a record's line. */
  scan: FileScan | null;
  from: (rejects: string | null) => string;
  symbol: string;
  date: string;
  instant: string;
  /** Candidate columns (lower-cased): every column but the date and symbol (of Parquet, the numeric ones). */
  cells: Array<{ name: string; expr: string; text: boolean }>;
  hasDate: boolean;
  hasSymbol: boolean;
}

/** A text date as an instant: ISO dates and timestamps (offsets honoured, none means UTC); HH:MM without seconds too. */
export const instantOf = (text: string) =>
  `COALESCE(TRY_CAST(${text} AS TIMESTAMPTZ), TRY_CAST(regexp_replace(${text}, '^(\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d)([^:\\d]|$)', '\\1:00\\2') AS TIMESTAMPTZ))`;

// DuckDB finds the line end itself: given new_line='\r\n' with a quote character it returns no rows at all (1.5.6).
export async function sourceRelation(engine: DataEngine, source: Source, index: number, options: RelationOptions): Promise<SourceRelation> {
  return source.kind === 'csv' ? csvRelation(source, index, options) : parquetRelation(engine, source, index, options);
}

function csvRelation(source: Source, index: number, options: RelationOptions): SourceRelation {
  const header = readCsvHeader(source.file);
  const scan = scanFile(source.file);
  const names = header.names;
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new DataError(source.file, `the header names column ${JSON.stringify(name)} twice; column names must be unique`, 1);
    seen.add(name);
  }
  const priceAt = names.indexOf(options.priceColumn.toLowerCase());
  if (priceAt < 0) throw missingColumn(source.file, header, options.priceColumn, '--price-column');
  const dateAt = names.indexOf(options.dateColumn.toLowerCase());
  const symbolAt = names.indexOf(options.symbolColumn.toLowerCase());
  const raw = (k: number) => `c${k}`;
  const columns = names.map((_, k) => `'${raw(k)}': 'VARCHAR'`).join(', ');
  const from = (rejects: string | null) =>
    `read_csv(${sqlString(source.file)}, auto_detect=false, header=true, delim=',', quote='"', escape='"', ` +
    `columns={${columns}}, strict_mode=true, max_line_size=${MAX_LINE_BYTES}` +
    (rejects ? `, store_rejects=true, rejects_table='${rejects}', rejects_scan='${rejects}_scans')` : ')');
  const date = dateAt >= 0 ? `trim(${raw(dateAt)})` : 'NULL::VARCHAR';
  const candidates = names.flatMap((name, k) => (k === dateAt || k === symbolAt ? [] : [{ name, expr: raw(k), text: true }]));
  return {
    source,
    index,
    sha256: scan.sha256,
    scan,
    from,
    symbol: symbolAt >= 0 ? `trim(${raw(symbolAt)})` : sqlString(options.implied),
    date,
    instant: dateAt >= 0 ? instantOf(date) : 'NULL::TIMESTAMPTZ',
    cells: candidates,
    hasDate: dateAt >= 0,
    hasSymbol: symbolAt >= 0,
  };
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const DATE_TYPES = /^(DATE|TIMESTAMP.*)$/;

async function parquetRelation(engine: DataEngine, source: Source, index: number, options: RelationOptions): Promise<SourceRelation> {
  const { sha256 } = scanFile(source.file, false);
  let described: Array<Record<string, unknown>>;
  try {
    described = await engine.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(source.file)})`);
  } catch (err) {
    throw new DataError(source.file, `cannot be read as Parquet (${(err as Error).message.split('\n')[0]})`);
  }
  const types = new Map(described.map((r) => [String(r.column_name).toLowerCase(), { name: String(r.column_name), type: String(r.column_type) }]));
  const wrongType = (setting: string, column: string, type: string, allowed: string) =>
    new DataError(source.file, `column ${JSON.stringify(column)} (${setting}) is ${type}; it must be ${allowed}`);
  const price = types.get(options.priceColumn.toLowerCase());
  if (!price) {
    throw new DataError(source.file, `no ${JSON.stringify(options.priceColumn)} column; columns are: ${[...types.keys()].join(', ')} (choose one with --price-column)`);
  }
  if (!NUMERIC.test(price.type)) throw wrongType('data.priceColumn', price.name, price.type, 'numeric (DOUBLE, FLOAT, INTEGER or DECIMAL)');
  const dateColumn = types.get(options.dateColumn.toLowerCase());
  const symbolColumn = types.get(options.symbolColumn.toLowerCase());
  let date = 'NULL::VARCHAR';
  let instant = 'NULL::TIMESTAMPTZ';
  if (dateColumn) {
    const d = sqlName(dateColumn.name);
    if (DATE_TYPES.test(dateColumn.type)) {
      date = `CASE WHEN CAST(${d} AS TIMESTAMP) = date_trunc('day', CAST(${d} AS TIMESTAMP)) THEN strftime(${d}, '%Y-%m-%d') ELSE strftime(${d}, '%Y-%m-%d %H:%M:%S') END`;
      instant = `CAST(${d} AS TIMESTAMPTZ)`;
    } else if (dateColumn.type === 'VARCHAR') {
      date = `trim(${d})`;
      instant = instantOf(date);
    } else throw wrongType('data.dateColumn', dateColumn.name, dateColumn.type, 'DATE, TIMESTAMP or text');
  }
  const candidates = [...types.entries()].filter(([, c]) => c !== dateColumn && c !== symbolColumn && NUMERIC.test(c.type));
  return {
    source,
    index,
    sha256,
    scan: null,
    from: () => `read_parquet(${sqlString(source.file)})`,
    symbol: symbolColumn ? `trim(CAST(${sqlName(symbolColumn.name)} AS VARCHAR))` : sqlString(options.implied),
    date,
    instant,
    cells: candidates.map(([lower, c]) => ({ name: lower, expr: `CAST(${sqlName(c.name)} AS DOUBLE)`, text: false })),
    hasDate: !!dateColumn,
    hasSymbol: !!symbolColumn,
  };
}
