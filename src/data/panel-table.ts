import { clip, DataError, quote } from '../errors/index.js';
import { MAX_LINE_BYTES, separatorHint, splitCsvLine } from './csv-header.js';
import { sqlName, type DataEngine } from './engine.js';
import type { SourceRelation } from './source-relation.js';

/** A numeric column of the panel table: `v:<name>` holds its numbers, `bad:<name>` marks a cell that is not one. */
export interface NumericColumn {
  name: string;
  value: string;
  bad: string;
}

/** The panel as loaded: its numeric columns and where each file's rows start (a row's `rowid` minus that is its record). */
export interface PanelTable {
  columns: NumericColumn[];
  firstRowid: number[];
}

/** Cells that count as missing: empty, NaN, NA or null (any case, surrounding blanks ignored); `s` is the trimmed cell. */
const missing = (s: string) => `(${s} IS NULL OR lower(${s}) IN ('', 'nan', 'na', 'null'))`;
/**
 * A trimmed cell `s` as JS's Number() reads it, given `d`, its TRY_CAST to DOUBLE: finite, and without the digit
 * separators DuckDB accepts and Number() does not (hexadecimal and the like DuckDB refuses itself).
 */
const number = (s: string, d: string) => `(CASE WHEN isfinite(${d}) AND NOT contains(${s}, '_') THEN ${d} END)`;

const value = (name: string) => sqlName(`v:${name}`);
const bad = (name: string) => sqlName(`bad:${name}`);

/**
 * Reads every file, in order, into the table `panel` (file, symbol, date, t and per candidate column its value and
 * whether the cell is not a number), one INSERT per file so that `rowid` is the order of the files and their records.
 * A text column is numeric when its first non-missing cell is a number (the price column always is), as before
 * DuckDB. A row the CSV reader rejects, or a record count that differs from the file's, is a DataError.
 */
export async function buildPanelTable(engine: DataEngine, relations: SourceRelation[], priceColumn: string): Promise<PanelTable> {
  const names = [...new Set(relations.flatMap((r) => r.cells.map((c) => c.name)))];
  const schema = names.map((n) => `, ${value(n)} DOUBLE, ${bad(n)} BOOLEAN`).join('');
  await engine.run(`CREATE TEMP TABLE panel (file INTEGER, symbol VARCHAR, date VARCHAR, t TIMESTAMPTZ${schema})`);
  const firstRowid: number[] = [];
  let total = 0;
  for (const r of relations) {
    firstRowid.push(total);
    // Three levels, so each cell is trimmed and cast once: the cells, then their reading, then the columns.
    const trimmed = r.cells.map(({ expr, text }, k) => (text ? `, trim(${expr}) AS s${k}, TRY_CAST(trim(${expr}) AS DOUBLE) AS d${k}` : `, ${expr} AS d${k}`));
    const readings = r.cells.map(({ text }, k) => (text ? `, ${missing(`s${k}`)} AS m${k}, ${number(`s${k}`, `d${k}`)} AS n${k}` : `, d${k} AS n${k}, isnan(d${k}) AS m${k}`));
    const cells = r.cells.map(({ name, text }, k) =>
      text ? `, CASE WHEN m${k} THEN NULL ELSE n${k} END AS ${value(name)}, NOT m${k} AND n${k} IS NULL AS ${bad(name)}` : `, CASE WHEN m${k} THEN NULL ELSE n${k} END AS ${value(name)}, coalesce(isinf(n${k}), false) AS ${bad(name)}`,
    );
    const rejects = r.scan ? `rejects_${r.index}` : null;
    const rows = `SELECT ${r.symbol} AS symbol, ${r.date} AS date, ${r.instant} AS t${trimmed.join('')} FROM ${r.from(rejects)}`;
    const read = `SELECT symbol, date, t${readings.join('')} FROM (${rows})`;
    const insert = `INSERT INTO panel BY NAME SELECT ${r.index} AS file, symbol, date, t${cells.join('')} FROM (${read})`;
    await readChecked(engine, r, () => engine.run(insert));
    if (rejects) await throwRejects(engine, r, rejects);
    const count = Number((await engine.rows(`SELECT count(*) AS n FROM panel WHERE file = ${r.index}`))[0].n);
    // A guard against a reader that drops rows without a word (DuckDB did, given some line-end options).
    if (r.scan && count !== r.scan.records) throw new DataError(r.source.file, `DuckDB read ${count} records but the file holds ${r.scan.records}; please report this file`);
    total += count;
  }
  const text = names.filter((n) => n !== priceColumn && relations.some((r) => r.cells.some((c) => c.name === n && c.text)));
  const probes = text.map((n) => `arg_min(${value(n)} IS NOT NULL, rowid) FILTER (WHERE ${value(n)} IS NOT NULL OR ${bad(n)}) AS ${sqlName(n)}`);
  const kinds = probes.length ? (await engine.rows(`SELECT ${probes.join(', ')} FROM panel`))[0] : {};
  const numeric = names.filter((n) => !text.includes(n) || kinds[n] === true);
  return { columns: numeric.map((name) => ({ name, value: value(name), bad: bad(name) })), firstRowid };
}

/** The text of one cell, read again from the file (only to name it in a message). */
export async function cellText(engine: DataEngine, relation: SourceRelation, column: string, record: number): Promise<string> {
  const cell = relation.cells.find((c) => c.name === column);
  if (!cell) return '';
  const rows = await engine.rows(`SELECT ${cell.expr} AS x FROM ${relation.from(null)} LIMIT 1 OFFSET ${record - 1}`);
  return String(rows[0]?.x ?? '');
}

/** A CSV error DuckDB throws rather than rejects (a line past the size limit): the file, the line and the reason. */
async function readChecked(engine: DataEngine, relation: SourceRelation, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (err) {
    const message = (err as Error).message;
    const file = relation.source.file;
    const line = /CSV Error on Line: (\d+)/.exec(message);
    if (/maximum line size/i.test(message)) {
      throw new DataError(file, `a line is longer than ${MAX_LINE_BYTES / 2 ** 20} MiB, so this is not a CSV of prices`, line ? Number(line[1]) : undefined);
    }
    const reason = message.split('\n').find((l) => l.trim() && !/^(Invalid Input Error|CSV Error on Line|Original Line)/.test(l)) ?? message.split('\n')[0];
    const what = relation.scan ? 'CSV' : 'Parquet';
    throw new DataError(file, `cannot be read as ${what}: ${clip(reason.trim(), 200)}`, line ? Number(line[1]) : undefined);
  }
}

/** The first row the CSV reader rejected, as the reader before DuckDB said it: fields against the header, a separator hint. */
async function throwRejects(engine: DataEngine, r: SourceRelation, table: string): Promise<void> {
  const rows = await engine.rows(`SELECT line, error_type, csv_line, error_message FROM ${table} ORDER BY line LIMIT 1`);
  if (rows.length === 0) return;
  const { line, error_type: type, csv_line: text, error_message: why } = rows[0] as { line: number; error_type: string; csv_line: string; error_message: string };
  const columns = r.cells.length + (r.hasDate ? 1 : 0) + (r.hasSymbol ? 1 : 0);
  if (type === 'MISSING COLUMNS' || type === 'TOO MANY COLUMNS') {
    const fields = splitCsvLine(text).length;
    const hint = fields === 1 ? separatorHint(text) : null;
    throw new DataError(r.source.file, `has ${fields} fields, the header has ${columns}${hint ? `. ${hint}` : ''}`, line);
  }
  if (type === 'LINE SIZE OVER MAXIMUM') throw new DataError(r.source.file, `a line is longer than ${MAX_LINE_BYTES / 2 ** 20} MiB, so this is not a CSV of prices`, line);
  throw new DataError(r.source.file, `${clip(why, 200)} in ${quote(text)}`, line);
}
