import { clip, DataError, quote } from '../errors/index.js';
import { sqlString, type DataEngine } from './engine.js';
import { lineOfRecord } from './file-scan.js';
import type { NumericColumn } from './panel-table.js';
import type { SourceRelation } from './source-relation.js';

/** A broken rule: the row (its `rowid` in the panel table) and what is wrong. */
export interface Finding {
  id: number;
  message: string;
}

export interface CheckOptions {
  priceColumn: string;
  fillMissing: 'none' | 'ffill';
  hasDate: boolean;
  longFormat: boolean;
}

/**
 * Every rule a panel must keep, each as one query for its first offending row; the earliest row in file order is
 * reported (on one row, in the order the rules are listed), as the streaming reader before DuckDB did.
 */
export async function checkPanel(
  engine: DataEngine,
  columns: NumericColumn[],
  options: CheckOptions,
  textOf: (id: number, column: string) => Promise<string>,
): Promise<Finding | null> {
  const first = async (sql: string, message: (row: Record<string, unknown>) => string | Promise<string>): Promise<Finding | null> => {
    const rows = await engine.rows(`${sql} ORDER BY id LIMIT 1`);
    return rows.length ? { id: Number(rows[0].id), message: await message(rows[0]) } : null;
  };
  const findings: Array<Finding | null> = [];
  if (options.longFormat) findings.push(await first(`SELECT id FROM selected WHERE symbol IS NULL OR symbol = ''`, () => 'the symbol is empty'));
  for (const c of columns) {
    findings.push(await first(`SELECT id FROM selected WHERE ${c.bad}`, async (r) => `${c.name} is ${quote(await textOf(Number(r.id), c.name))}, which is not a number`));
    const empty = `${c.value} IS NULL AND NOT ${c.bad}`;
    findings.push(
      options.fillMissing === 'none'
        ? await first(`SELECT id FROM selected WHERE ${empty}`, () => `${c.name} is empty or NaN; fix the file or set data.fillMissing=ffill`)
        : await first(
            `SELECT id FROM selected WHERE ${empty} AND id IN (SELECT min(id) FROM selected GROUP BY symbol)`,
            () => `${c.name} is empty on the first data row, so there is nothing to fill forward`,
          ),
    );
  }
  const price = columns.find((c) => c.name === options.priceColumn) as NumericColumn;
  findings.push(await first(`SELECT id, ${price.value} AS v FROM selected WHERE ${price.value} <= 0`, (r) => `${price.name} is ${Number(r.v)}; prices must be positive`));
  if (options.hasDate) {
    findings.push(await first(`SELECT id, date FROM selected WHERE t IS NULL`, (r) => `date ${quote(String(r.date ?? ''))} is not a date (expected e.g. 2020-01-31)`));
    findings.push(await dateOrder(engine, options.longFormat));
  }
  const found = findings.filter((f): f is Finding => f !== null);
  found.sort((a, b) => a.id - b.id);
  return found[0] ?? null;
}

/** Marks a reference to another row in a finding's message, resolved to its file and line by findingError. */
const REFERENCE = '\u0000';

/** Dates must rise within a symbol; a date that repeats one of the same symbol is named as a duplicate. */
async function dateOrder(engine: DataEngine, longFormat: boolean): Promise<Finding | null> {
  // Only (id, t) go through the window's sort; the dates of the one row found are looked up after.
  const found = await engine.rows(
    `SELECT id, previous_id FROM (SELECT id, t, lag(t) OVER w AS previous_t, lag(id) OVER w AS previous_id FROM selected
       WHERE t IS NOT NULL WINDOW w AS (PARTITION BY symbol ORDER BY id)) WHERE previous_t >= t ORDER BY id LIMIT 1`,
  );
  if (!found.length) return null;
  const pair = await engine.rows(`SELECT id, symbol, date FROM selected WHERE id IN (${Number(found[0].id)}, ${Number(found[0].previous_id)}) ORDER BY id`);
  const r = { ...(pair[1] as { id: number; symbol: string; date: string }), previous: String(pair[0].date) };
  const same = await engine.rows(`SELECT min(id) AS id FROM selected WHERE symbol = ${sqlString(r.symbol)} AND t = (SELECT t FROM selected WHERE id = ${r.id})`);
  const firstId = Number(same[0].id);
  const of = longFormat ? ` of ${clip(r.symbol)}` : '';
  const message =
    firstId !== r.id
      ? `duplicate date ${clip(r.date)}${of} (first at ${REFERENCE}${firstId})`
      : `date ${clip(r.date)}${of} is not after the previous row's ${clip(r.previous)}; rows${longFormat ? ' of a symbol' : ''} must be in increasing date order`;
  return { id: r.id, message };
}

/** A panel row's file and record (from 1) given where each file's rows start. */
export function recordOf(firstRowid: number[], id: number): { file: number; record: number } {
  let file = firstRowid.length - 1;
  while (file > 0 && firstRowid[file] > id) file--;
  return { file, record: id - firstRowid[file] + 1 };
}

/** A record's place as a user finds it: the line of a CSV (the header is line 1), the row of a Parquet file. */
export function placeOf(relation: SourceRelation, rn: number): { line?: number; row?: number } {
  return relation.scan ? { line: lineOfRecord(relation.scan, rn) } : { row: rn };
}

/** A finding as the DataError a user reads: file, line (or row) and message; a reference to another row resolved. */
export function findingError(relations: SourceRelation[], firstRowid: number[], finding: Finding): DataError {
  const at = recordOf(firstRowid, finding.id);
  const relation = relations[at.file];
  const message = finding.message.replace(new RegExp(`${REFERENCE}(\\d+)`), (_m, id: string) => {
    const other = recordOf(firstRowid, Number(id));
    const place = placeOf(relations[other.file], other.record);
    const where = place.line !== undefined ? `line ${place.line}` : `row ${place.row}`;
    return other.file === at.file ? where : `${where} of ${relations[other.file].source.file}`;
  });
  const place = placeOf(relation, at.record);
  return place.line !== undefined ? new DataError(relation.source.file, message, place.line) : new DataError(relation.source.file, `row ${place.row}: ${message}`);
}

/** Cells data.fillMissing filled (column and panel row) as "column:line" entries, or "column:row N" of Parquet. */
export function filledEntries(relations: SourceRelation[], firstRowid: number[], filled: Array<{ column: string; id: number }>): string[] {
  return filled.map(({ column, id }) => {
    const at = recordOf(firstRowid, id);
    const place = placeOf(relations[at.file], at.record);
    return place.line !== undefined ? `${column}:${place.line}` : `${column}:row ${place.row}`;
  });
}
