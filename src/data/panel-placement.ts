import type { DuckDBDataChunk } from '@duckdb/node-api';
import type { CalendarGap } from './calendar-gaps.js';
import type { DataEngine } from './engine.js';

/** The panel calendar of a panel run: each date (`t`, `date` as written) and its row `r`. */
export const PANEL_CALENDAR = 'panel_calendar';

/** Where each bar of a panel run lies on the panel calendar. */
export interface PanelPlacement {
  /** The instruments, in the order of their index k. */
  symbols: string[];
  /** Rows of the calendar. */
  rows: number;
  /** By row id of the panel table: k * rows + r of its bar (instrument k, calendar row r), -1 for a row off the calendar. */
  slotOfId: Int32Array;
  /** By k * rows + r: 1 when instrument k has a bar on row r. */
  held: Uint8Array;
  /** Row of each instrument's first bar (`rows` when it has none). */
  firstRows: number[];
  /** The rows each instrument has no bar on, in instrument then row order. */
  gaps: CalendarGap[];
}

/** Reads a query chunk by chunk; `each` sees every row. */
async function stream(engine: DataEngine, select: string, each: (chunk: DuckDBDataChunk, i: number) => void): Promise<void> {
  const result = await engine.connection.stream(select);
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    for (let i = 0; i < chunk.rowCount; i++) each(chunk, i);
  }
}

/**
 * The placement of the bars of `symbols` (rows of the view `selected`; `panel_members` gives each its index k) on the
 * calendar PANEL_CALENDAR, from one query over all of them.
 */
export async function placePanel(engine: DataEngine, symbols: string[], rows: number): Promise<PanelPlacement> {
  const size = Number((await engine.rows('SELECT coalesce(max(id), -1) + 1 AS n FROM selected'))[0].n);
  const slotOfId = new Int32Array(size).fill(-1);
  const held = new Uint8Array(symbols.length * rows);
  let seen: DuckDBDataChunk | null = null;
  let vectors: Array<{ getItem(i: number): unknown }> = [];
  await stream(engine, `SELECT s.id::DOUBLE, m.k, c.r FROM selected s JOIN panel_members m USING (symbol) JOIN ${PANEL_CALENDAR} c USING (t)`, (chunk, i) => {
    if (chunk !== seen) {
      seen = chunk;
      vectors = [0, 1, 2].map((c) => chunk.getColumnVector(c));
    }
    const slot = (vectors[1].getItem(i) as number) * rows + (vectors[2].getItem(i) as number);
    slotOfId[vectors[0].getItem(i) as number] = slot;
    held[slot] = 1;
  });
  const firstRows: number[] = [];
  const gaps: CalendarGap[] = [];
  for (const [k, symbol] of symbols.entries()) {
    const base = k * rows;
    let r = 0;
    while (r < rows && !held[base + r]) r++;
    firstRows.push(r);
    for (let from = 0; from < rows; ) {
      if (held[base + from]) {
        from++;
        continue;
      }
      let to = from;
      while (to + 1 < rows && !held[base + to + 1]) to++;
      gaps.push({ symbol, from, to });
      from = to + 1;
    }
  }
  return { symbols, rows, slotOfId, held, firstRows, gaps };
}

export interface PlacedColumns {
  /** How many value columns follow the row `id` (DOUBLE) in the query. */
  values: number;
  /** Whether value column j of instrument k is kept (default: all); one not kept costs no array. */
  keep?: (k: number, j: number) => boolean;
  /** Called on every row on the calendar, after its values are placed. */
  visit?: (chunk: DuckDBDataChunk, i: number) => void;
}

/**
 * Values of the bars on the calendar: `select` gives a row's `id` then `values` DOUBLE columns, in any order (no sort:
 * each row goes to its slot). Each instrument's array is NaN before its first bar and a NULL is NaN; a row it has no
 * bar on carries its last earlier value (never a later one), after its last bar too. Returns values[j][k].
 */
export async function placeValues(engine: DataEngine, placement: PanelPlacement, select: string, columns: PlacedColumns): Promise<Array<Array<Float64Array | null>>> {
  const { symbols, rows, slotOfId, held, firstRows } = placement;
  const keep = columns.keep ?? (() => true);
  const values = Array.from({ length: columns.values }, (_, j) => symbols.map((_, k) => (keep(k, j) ? new Float64Array(rows).fill(NaN) : null)));
  let seen: DuckDBDataChunk | null = null;
  let vectors: Array<{ getItem(i: number): unknown }> = [];
  await stream(engine, select, (chunk, i) => {
    if (chunk !== seen) {
      seen = chunk;
      vectors = Array.from({ length: columns.values + 1 }, (_, c) => chunk.getColumnVector(c));
    }
    const slot = slotOfId[vectors[0].getItem(i) as number];
    if (slot < 0) return;
    const k = Math.floor(slot / rows);
    const r = slot - k * rows;
    for (let j = 0; j < columns.values; j++) {
      const a = values[j][k];
      if (a) a[r] = (vectors[j + 1].getItem(i) as number | null) ?? NaN;
    }
    columns.visit?.(chunk, i);
  });
  for (const column of values) {
    for (const [k, a] of column.entries()) {
      if (!a) continue;
      const base = k * rows;
      for (let r = firstRows[k] + 1; r < rows; r++) if (!held[base + r]) a[r] = a[r - 1];
    }
  }
  return values;
}
