import { sqlString, type DataEngine } from './engine.js';

/** Calendar rows `from`..`to` (inclusive, rows of the traded series) on which `symbol` has no bar. */
export interface CalendarGap {
  symbol: string;
  from: number;
  to: number;
}

/**
 * Where each selected instrument lacks bars on the calendar of an `ffill` run (every date of the selection from the
 * traded instrument's first to its last): before its first bar, between two bars, after its last. The calendar of `intersect`
 * holds only dates every instrument has, so it has no gaps; nor has a run of one instrument.
 */
export async function calendarGaps(engine: DataEngine, choice: { selected: string[]; traded: string }, align: 'intersect' | 'ffill'): Promise<CalendarGap[]> {
  if (align === 'intersect' || choice.selected.length < 2) return [];
  const traded = `(SELECT t FROM selected WHERE symbol = ${sqlString(choice.traded)})`;
  await engine.run(
    `CREATE TEMP TABLE calendar AS SELECT t, row_number() OVER (ORDER BY t) - 1 AS r FROM (SELECT DISTINCT t FROM selected WHERE t BETWEEN (SELECT min(t) FROM ${traded}) AND (SELECT max(t) FROM ${traded}))`,
  );
  try {
    const last = Number((await engine.rows('SELECT max(r) AS r FROM calendar'))[0].r);
    const rows = await engine.rows(`
      WITH held AS (SELECT DISTINCT symbol, r FROM selected JOIN calendar USING (t)),
      steps AS (SELECT symbol, r, r - lag(r) OVER (PARTITION BY symbol ORDER BY r) AS step FROM held)
      SELECT symbol, r - step + 1 AS "from", r - 1 AS "to" FROM steps WHERE step > 1
      UNION ALL SELECT symbol, 0, min(r) - 1 FROM held GROUP BY symbol HAVING min(r) > 0
      UNION ALL SELECT symbol, max(r) + 1, ${last} FROM held GROUP BY symbol HAVING max(r) < ${last}
      UNION ALL SELECT symbol, 0, ${last} FROM (SELECT DISTINCT symbol FROM selected) ANTI JOIN held USING (symbol)
      ORDER BY symbol, "from"`);
    return rows.map((g) => ({ symbol: String(g.symbol), from: Number(g.from), to: Number(g.to) }));
  } finally {
    await engine.run('DROP TABLE calendar');
  }
}
