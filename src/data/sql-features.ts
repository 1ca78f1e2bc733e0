import { clip, ConfigError, DataError } from '../errors/index.js';
import { sqlName, sqlString, type DataEngine } from './engine.js';
import type { SqlFeature } from './feature-specs.js';
import { checkFeatureExpression } from './sql-expression.js';
import type { NumericColumn } from './panel-table.js';
import { placeValues, type PanelPlacement } from './panel-placement.js';

/**
 * The view SQL features read: one row per bar of the selected instruments, with `symbol`, `date` (the instant; the
 * row's order in the file when the data has no dates) and every numeric column under its own name, its empty cells
 * filled forward when data.fillMissing is ffill.
 */
export async function createBarsView(engine: DataEngine, columns: NumericColumn[], hasDate: boolean, fillMissing: 'none' | 'ffill'): Promise<void> {
  const named = columns.map((c) => `, ${filledCell(c, fillMissing)} AS ${sqlName(c.name)}`).join('');
  await engine.run(`CREATE TEMP VIEW bars AS SELECT id, symbol, ${hasDate ? 't' : 'id'} AS date${named} FROM selected`);
}

/**
 * A numeric cell of `selected` as the bars hold it: under data.fillMissing ffill an empty cell takes its instrument's
 * last earlier value in the file (a window over the rows it is computed on, so over `selected` before any filter).
 */
export const filledCell = (c: NumericColumn, fillMissing: 'none' | 'ffill') =>
  fillMissing === 'ffill' ? `coalesce(${c.value}, last_value(${c.value} IGNORE NULLS) OVER (PARTITION BY symbol ORDER BY id ROWS UNBOUNDED PRECEDING))` : c.value;

/** The statement that computes one feature into a table of (id, value); `w` is an instrument's bars in date order. */
const statement = (from: string, to: string, name: string, sql: string) =>
  `CREATE TEMP TABLE ${to} AS SELECT id, CAST((${sql}\n) AS DOUBLE) AS ${sqlName(name)} FROM ${from}\nWINDOW w AS (PARTITION BY symbol ORDER BY date)`;

/** The bars of `source` with the features computed so far, each joined on its row. */
const withFeatures = (source: string, tables: string[]) => `(SELECT * FROM ${source}${tables.map((t) => ` JOIN ${t} USING (id)`).join('')})`;

/** Whether an expression names a feature (a word of its text; a mention in a string literal only costs a join). */
const mentions = (sql: string, name: string) => new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`, 'i').test(sql);

/**
 * Computes the features in order over every bar of `source` (a view of bars), each able to use those before it by
 * name (a rank across symbols of an earlier momentum: `rank() OVER (PARTITION BY date ORDER BY mom_20)`), and
 * returns the view of the bars with them all. Each feature is a table of its own (`<prefix>_<k>`: row id and value),
 * so memory grows by 16 bytes a bar and feature, not by a copy of the panel per feature. An expression must be one SQL expression:
 * a second statement, a file read or written (the engine is locked down), or any error is refused naming the feature.
 * `after` is called with each feature's table as soon as it exists.
 */
export async function runFeatureChain(
  engine: DataEngine,
  features: SqlFeature[],
  source: string,
  prefix: string,
  after?: (k: number, table: string) => Promise<void>,
): Promise<string> {
  const tables: string[] = [];
  const columns = new Set((await engine.rows(`DESCRIBE ${source}`)).map((r) => String(r.column_name).toLowerCase()));
  for (const [k, feature] of features.entries()) {
    const where = `features[${feature.at ?? k}] (${feature.name})`;
    if (columns.has(feature.name.toLowerCase())) {
      throw new ConfigError([`${where}: the data has a column of that name, which an expression could not tell apart from the feature; name the feature otherwise (e.g. ${feature.name}_feature)`]);
    }
    const to = `${prefix}_${k}`;
    // Only the earlier features it names are joined in: each join holds a hash table of the whole panel.
    const used = tables.filter((_, j) => mentions(feature.sql, features[j].name));
    const sql = statement(withFeatures(source, used), to, feature.name, feature.sql);
    const extracted = await engine.connection.extractStatements(sql).catch((err: Error) => {
      throw new ConfigError([`${where}: ${clip(firstLine(err), 300)}`]);
    });
    if (extracted.count !== 1) throw new ConfigError([`${where}: the expression holds a second statement; a feature is one SQL expression`]);
    await checkFeatureExpression(engine, feature.sql, where);
    try {
      await engine.run(sql);
    } catch (err) {
      const message = firstLine(err as Error);
      const why = /disabled by configuration|external access|Permission Error/i.test(message)
        ? 'reads or writes a file or extension, which a feature cannot: DuckDB runs features with external access off'
        : clip(message, 300);
      throw new ConfigError([`${where}: ${why}`]);
    }
    tables.push(to);
    await after?.(k, to);
  }
  await engine.run(`CREATE TEMP VIEW ${prefix} AS SELECT * FROM ${withFeatures(source, tables)}`);
  return prefix;
}

/** Whether a feature after the k-th names it (its table must then stay until the chain ends). */
export const namedLater = (features: SqlFeature[], k: number) => features.slice(k + 1).some((f) => mentions(f.sql, features[k].name));

/** Drops what runFeatureChain made under `prefix`. */
export async function dropFeatureChain(engine: DataEngine, count: number, prefix: string): Promise<void> {
  await engine.run(`DROP VIEW ${prefix}`);
  for (let k = 0; k < count; k++) await engine.run(`DROP TABLE ${prefix}_${k}`);
}

/**
 * Each SQL feature of the traded instrument (from the tables `<table>_<k>` of runFeatureChain), one value per row of its series (`ids`: the panel row of each, NaN for a
 * bar the calendar filled, which takes the value of the bar before it, never a later one), from the table of the
 * features of every instrument. A feature that is empty (NULL or NaN) on a bar after its first value is a DataError
 * naming the bar: the agent would see a hole.
 */
export async function tradedValues(
  engine: DataEngine,
  table: string,
  features: SqlFeature[],
  series: { traded: string; ids: Float64Array; dates: string[] | null; path: string },
): Promise<Record<string, Float64Array>> {
  const out: Record<string, Float64Array> = {};
  const { ids } = series;
  const traded = `(SELECT id FROM selected WHERE symbol = ${sqlString(series.traded)})`;
  for (const [k, feature] of features.entries()) {
    const rows = await engine.rows(`SELECT id, ${sqlName(feature.name)} AS value FROM ${table}_${k} SEMI JOIN ${traded} USING (id)`);
    const byId = new Map(rows.map((r) => [Number(r.id), r.value === null ? NaN : Number(r.value)]));
    const values = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) values[i] = Number.isNaN(ids[i]) ? (i > 0 ? values[i - 1] : NaN) : (byId.get(ids[i]) ?? NaN);
    checkNoHoles(feature.name, values, { symbol: series.traded, dates: series.dates, path: series.path });
    out[feature.name] = values;
  }
  return out;
}

/**
 * Each SQL feature of every instrument of a panel run on the panel calendar, from the same tables as tradedValues: one
 * query per feature over all instruments. A row an instrument has no bar on takes its value of the row before (NaN
 * before its first bar); a hole after an instrument's first value is a DataError naming it.
 */
export async function panelValues(
  engine: DataEngine,
  table: string,
  features: SqlFeature[],
  panel: { placement: PanelPlacement; dates: string[] | null; path: string },
): Promise<Array<Record<string, Float64Array>>> {
  const { symbols } = panel.placement;
  const out = symbols.map((): Record<string, Float64Array> => ({}));
  for (const [k, feature] of features.entries()) {
    const [values] = await placeValues(engine, panel.placement, `SELECT id::DOUBLE, ${sqlName(feature.name)} FROM ${table}_${k}`, { values: 1 });
    for (const [i, symbol] of symbols.entries()) {
      const own = values[i] as Float64Array;
      checkNoHoles(feature.name, own, { symbol, dates: panel.dates, path: panel.path });
      out[i][feature.name] = own;
    }
  }
  return out;
}

function checkNoHoles(name: string, values: Float64Array, series: { symbol: string; dates: string[] | null; path: string }): void {
  let first = 0;
  while (first < values.length && Number.isNaN(values[first])) first++;
  for (let i = first + 1; i < values.length; i++) {
    if (!Number.isNaN(values[i])) continue;
    const at = (row: number) => (series.dates ? series.dates[row] : `row ${row + 1}`);
    throw new DataError(
      series.path,
      `feature ${name} is empty (NULL or NaN) on ${at(i)} of ${series.symbol} after its first value on ${at(first)}; a feature must have a value on every bar after its warm-up`,
    );
  }
}

const firstLine = (err: Error) => err.message.split('\n')[0];
