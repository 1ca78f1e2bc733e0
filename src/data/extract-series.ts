import { sqlString, type DataEngine } from './engine.js';
import type { NumericColumn } from './panel-table.js';

export interface ExtractedSeries {
  dates: string[] | null;
  columns: Record<string, Float64Array>;
  /** Per cell filled by data.fillMissing: its column and its row in the panel table. */
  filled: Array<{ column: string; id: number }>;
  /** The panel row of each row of the series; NaN for a bar the calendar filled. */
  ids: Float64Array;
}

export interface ExtractOptions {
  align: 'intersect' | 'ffill';
  fillMissing: 'none' | 'ffill';
  hasDate: boolean;
}

/**
 * The traded instrument's rows (of the view `selected`) on the calendar of the selection: with one instrument, its
 * own rows; with several, `intersect` keeps the dates every one has, `ffill` every date from the traded one's first
 * to its last, a bar it lacks carrying its last earlier value (never a later one). Missing cells are filled forward the same
 * way when data.fillMissing is ffill (the checks refused them otherwise). Values stream chunk by chunk into typed arrays.
 */
export async function extractSeries(
  engine: DataEngine,
  columns: NumericColumn[],
  choice: { selected: string[]; traded: string },
  options: ExtractOptions,
): Promise<ExtractedSeries> {
  const traded = `SELECT * FROM selected WHERE symbol = ${sqlString(choice.traded)}`;
  let rows = traded;
  const calendar = options.hasDate && choice.selected.length > 1;
  if (calendar) {
    const n = choice.selected.length;
    rows =
      options.align === 'intersect'
        ? `SELECT p.* FROM (${traded}) p SEMI JOIN (SELECT t FROM selected GROUP BY t HAVING count(DISTINCT symbol) = ${n}) c USING (t)`
        : `SELECT c.t, coalesce(p.date, c.date) AS date, p.id${columns.map((col) => `, p.${col.value}`).join('')}
           FROM (SELECT t, min(date) AS date FROM selected GROUP BY t HAVING t BETWEEN (SELECT min(t) FROM (${traded})) AND (SELECT max(t) FROM (${traded}))) c LEFT JOIN (${traded}) p USING (t)`;
  }
  // The checks proved a symbol's rows rise in date in file order, so one symbol read alone needs no sort by date.
  const order = calendar ? 't' : 'id';
  const fills = options.fillMissing === 'ffill' || (calendar && options.align === 'ffill');
  const cell = (c: NumericColumn) =>
    fills ? `coalesce(${c.value}, last_value(${c.value} IGNORE NULLS) OVER (ORDER BY ${order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))` : c.value;
  // Without ORDER BY, DuckDB keeps the order rows were inserted in (preserve_insertion_order), and sorts nothing.
  const select = `SELECT date, id${columns.map((c) => `, ${cell(c)}, ${c.value} IS NULL`).join('')} FROM (${rows})${calendar ? ` ORDER BY ${order}` : ''}`;
  const count = Number((await engine.rows(`SELECT count(*) AS n FROM (${rows})`))[0].n);
  const values = columns.map(() => new Float64Array(count));
  const dates: string[] | null = options.hasDate ? new Array<string>(count) : null;
  const ids = new Float64Array(count);
  const filled: ExtractedSeries['filled'] = [];
  const result = await engine.connection.stream(select);
  let at = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const n = chunk.rowCount;
    const id = chunk.getColumnVector(1);
    for (let i = 0; i < n; i++) ids[at + i] = id.getItem(i) === null ? NaN : Number(id.getItem(i));
    for (let k = 0; k < columns.length; k++) {
      const vector = chunk.getColumnVector(2 + 2 * k);
      const out = values[k];
      for (let i = 0; i < n; i++) out[at + i] = (vector.getItem(i) as number | null) ?? NaN;
      if (!options.fillMissing || options.fillMissing === 'none') continue;
      const wasMissing = chunk.getColumnVector(3 + 2 * k);
      for (let i = 0; i < n; i++) if (wasMissing.getItem(i) === true && id.getItem(i) !== null) filled.push({ column: columns[k].name, id: Number(id.getItem(i)) });
    }
    if (dates) {
      const date = chunk.getColumnVector(0);
      for (let i = 0; i < n; i++) dates[at + i] = String(date.getItem(i));
    }
    at += n;
  }
  return { dates, columns: Object.fromEntries(columns.map((c, k) => [c.name, values[k]])), filled, ids };
}
