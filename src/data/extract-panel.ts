import type { DuckDBDataChunk, DuckDBVector } from '@duckdb/node-api';
import type { CalendarGap } from './calendar-gaps.js';
import { sqlString, type DataEngine } from './engine.js';
import type { ExtractedSeries } from './extract-series.js';
import type { NumericColumn } from './panel-table.js';
import { PANEL_CALENDAR, placePanel, placeValues, type PanelPlacement } from './panel-placement.js';
import { filledCell } from './sql-features.js';

export interface ExtractedPanel {
  dates: string[];
  placement: PanelPlacement;
  /** Each instrument's price column on the calendar, in the order of the symbols given. */
  prices: Float64Array[];
  /** The first instrument's numeric columns on the calendar. */
  columns: Record<string, Float64Array>;
  gaps: CalendarGap[];
  /** Per cell filled by data.fillMissing (of any instrument, on a row of the calendar): its column and panel row. */
  filled: ExtractedSeries['filled'];
}

/**
 * The instruments of a panel run (rows of the view `selected`, `symbols` in the order wanted) on the panel calendar:
 * `intersect` = the dates every one has, `ffill` = every date any has, from the earliest to the latest. Leaves the
 * tables PANEL_CALENDAR and panel_members for the SQL features and the gate's cuts. A bar an instrument lacks inside
 * its history, or after its last, carries its last earlier value; before its first it is NaN. A cell data.fillMissing
 * fills takes the instrument's last earlier value in the file, as the bars SQL features read do.
 */
export async function extractPanel(
  engine: DataEngine,
  columns: NumericColumn[],
  symbols: string[],
  options: { align: 'intersect' | 'ffill'; fillMissing: 'none' | 'ffill'; priceColumn: string },
): Promise<ExtractedPanel> {
  const members = symbols.map((s, k) => `(${sqlString(s)}, ${k})`).join(', ');
  await engine.run(`CREATE TEMP TABLE panel_members AS SELECT symbol, k::INTEGER AS k FROM (VALUES ${members}) v(symbol, k)`);
  const common = options.align === 'intersect' ? ` HAVING count(*) = ${symbols.length}` : '';
  await engine.run(
    `CREATE TEMP TABLE ${PANEL_CALENDAR} AS SELECT t, min(date) AS date, (row_number() OVER (ORDER BY t) - 1)::INTEGER AS r FROM selected GROUP BY t${common}`,
  );
  const dates = (await engine.rows(`SELECT date FROM ${PANEL_CALENDAR} ORDER BY r`)).map((d) => String(d.date));
  const placement = await placePanel(engine, symbols, dates.length);
  // The price column first; the others are kept for the first instrument only (the series' `columns`).
  const ordered = [...columns.filter((c) => c.name === options.priceColumn), ...columns.filter((c) => c.name !== options.priceColumn)];
  const fills = options.fillMissing === 'ffill';
  const missing = fills ? ordered.map((c) => `, ${c.value} IS NULL`).join('') : '';
  const select = `SELECT id::DOUBLE${ordered.map((c) => `, ${filledCell(c, options.fillMissing)}`).join('')}${missing} FROM selected`;
  const filled: ExtractedPanel['filled'] = [];
  let seen: DuckDBDataChunk | null = null;
  let flags: DuckDBVector[] = [];
  const visit = (chunk: DuckDBDataChunk, i: number) => {
    if (chunk !== seen) {
      seen = chunk;
      flags = ordered.map((_, j) => chunk.getColumnVector(1 + ordered.length + j));
    }
    for (let j = 0; j < ordered.length; j++) if (flags[j].getItem(i) === true) filled.push({ column: ordered[j].name, id: chunk.getColumnVector(0).getItem(i) as number });
  };
  const values = await placeValues(engine, placement, select, { values: ordered.length, keep: (k, j) => j === 0 || k === 0, visit: fills ? visit : undefined });
  const first = Object.fromEntries(columns.map((c) => [c.name, values[ordered.indexOf(c)][0] as Float64Array]));
  return { dates, placement, prices: values[0] as Float64Array[], columns: first, gaps: placement.gaps, filled };
}
