import { DataError } from '../errors/index.js';
import type { FeaturesConfig } from './config.js';
import { sqlName, type DataEngine } from './engine.js';
import type { SqlFeature } from './feature-specs.js';
import { computeFeatures, type FeatureSet } from './features.js';
import { dropFeatureChain, namedLater, runFeatureChain } from './sql-features.js';

/** What the gate checked and found: the features, the cut dates (or rows) and its verdict, for config.json and the report. */
export interface GateReport {
  features: string[];
  cuts: string[];
  verdict: 'passed';
}

/** A value at or before a cut that the cut changed: the feature saw a bar after it. */
interface Leak {
  feature: string;
  symbol: string;
  date: string;
  full: number;
  cut: number;
  cutAt: string;
}

/**
 * Two values are the same when both are missing or they agree to 1e-9 relative: a causal feature computed on less
 * data repeats its values, up to the order DuckDB happens to sum a window in; a leak moves them by far more.
 */
export const sameValue = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || (!Number.isNaN(a) && !Number.isNaN(b) && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)));

const leakError = (path: string, l: Leak) =>
  new DataError(
    path,
    `feature ${l.feature} uses the future: on ${l.date} of ${l.symbol} it is ${l.full} computed on all the data but ${l.cut} on the data cut at ${l.cutAt}; ` +
      'a feature on a date may use bars up to that date only',
  );

/**
 * The SQL features computed again on the panel cut after each cut (`cuts`: the `date` value of bars, and its label),
 * compared on every instrument and bar at or before the cut with their values on all the data (`full`, the table of
 * runFeatureChain). The first difference, in date order, is a DataError naming feature, symbol, date and both values.
 */
export async function gateSqlFeatures(
  engine: DataEngine,
  features: SqlFeature[],
  full: string,
  cuts: Array<{ value: string; label: string }>,
  path: string,
): Promise<void> {
  if (features.length === 0) return;
  const missing = (t: string, x: string) => `(${t}.${x} IS NULL OR isnan(${t}.${x}))`;
  const differs = (x: string) =>
    `(NOT (${missing('f', x)} AND ${missing('c', x)}) AND (${missing('f', x)} OR ${missing('c', x)} OR abs(f.${x} - c.${x}) > 1e-9 * greatest(1, abs(f.${x}), abs(c.${x}))))`;
  for (const [j, cut] of cuts.entries()) {
    await engine.run(`CREATE TEMP VIEW bars_cut_${j} AS SELECT * FROM bars WHERE date <= ${cut.value}`);
    // Each feature is compared as soon as it is computed on the cut data, on the narrow tables (row id, value); only
    // a row that moved meets the bars, for its date. A cut table no later feature names is dropped at once.
    const compare = async (k: number, table: string) => {
      const x = sqlName(features[k].name);
      const moved = `SELECT id, f.${x} AS full, c.${x} AS cut FROM ${full}_${k} f JOIN ${table} c USING (id) WHERE ${differs(x)}`;
      // Whether any value moved, on the two narrow tables alone; only then the bars, for the earliest one's date.
      if ((await engine.rows(`${moved} LIMIT 1`)).length) {
        const rows = await engine.rows(`SELECT m.full, m.cut, b.symbol, s.date FROM (${moved}) m JOIN bars b USING (id) JOIN selected s USING (id) ORDER BY b.date, b.symbol LIMIT 1`);
        const r = rows[0];
        const value = (v: unknown) => (v === null ? NaN : Number(v));
        throw leakError(path, { feature: features[k].name, symbol: String(r.symbol), date: String(r.date ?? ''), full: value(r.full), cut: value(r.cut), cutAt: cut.label });
      }
      if (namedLater(features, k)) return;
      // Emptied by replacing it, so its memory goes now; the chain's closing view still finds a table of that name.
      await engine.run(`DROP TABLE ${table}`);
      await engine.run(`CREATE TEMP TABLE ${table} (id BIGINT, ${x} DOUBLE)`);
    };
    const chain = await runFeatureChain(engine, features, `bars_cut_${j}`, `cut_${j}`, compare);
    await dropFeatureChain(engine, features.length, chain);
    await engine.run(`DROP VIEW bars_cut_${j}`);
  }
}

/** How the built-ins are computed; a test gives a broken one to prove the gate catches it. */
export type ComputeBuiltins = (price: Float64Array, env: { lookback: number }, features: FeaturesConfig) => FeatureSet;

/**
 * The built-in features computed again on the prices up to each cut row and compared, row by row up to the cut, with
 * their values on the whole series; SQL features are left to gateSqlFeatures.
 */
export function gateBuiltins(
  price: Float64Array,
  env: { lookback: number },
  features: FeaturesConfig,
  cuts: number[],
  where: { symbol: string; dates: string[] | null; path: string },
  compute: ComputeBuiltins = computeFeatures,
): void {
  const builtins = Array.isArray(features) ? features.filter((f) => !('sql' in f)) : features;
  if (Array.isArray(builtins) && builtins.length === 0) return;
  const full = compute(price, env, builtins);
  const label = (row: number) => (where.dates ? where.dates[row] : `row ${row + 1}`);
  for (const cut of cuts) {
    const part = compute(price.subarray(0, cut + 1), env, builtins);
    for (let row = 0; row <= cut; row++) {
      for (let c = 0; c < full.dim; c++) {
        const a = full.raw[row * full.dim + c];
        const b = part.raw[row * part.dim + c];
        if (sameValue(a, b)) continue;
        throw leakError(where.path, { feature: full.names[c], symbol: where.symbol, date: label(row), full: a, cut: b, cutAt: label(cut) });
      }
    }
  }
}
