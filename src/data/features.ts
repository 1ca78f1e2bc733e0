import type { FeaturesConfig } from './config.js';
import { featureSpecs } from './feature-specs.js';
import type { PriceSeries } from './price-series.js';

/**
 * Causal features of a price series: the value at row t uses prices up to and including row t only.
 * Kept raw (unstandardized) for the whole series; each window standardizes with statistics of its own
 * training rows (see fitStandardization), so nothing from validation or test leaks into training.
 */
export interface FeatureSet {
  rows: number;
  dim: number;
  names: string[];
  /** Standardization group of each column: lagged returns share one mean and std. */
  groups: string[];
  /** rows x dim, row-major; NaN before firstValidRow. */
  raw: Float32Array;
  /** First row whose features are all defined. */
  firstValidRow: number;
  /** ln(p_t / p_{t-1}); NaN at row 0. */
  logReturns: Float64Array;
  /** p_t / p_{t-1} - 1; NaN at row 0. */
  simpleReturns: Float64Array;
}

export interface Standardization {
  /** Rows [start, end) the statistics were computed on. */
  fittedOn: [number, number];
  groups: string[];
  mean: number[];
  std: number[];
}

/**
 * The observation's columns in the order the config lists its features: the lookback returns (one group), each
 * built-in indicator, and each SQL feature from `sqlValues` (computed by DuckDB when the data was loaded, one value
 * per row of the series, NaN before its first). The built-ins are computed here, as before DuckDB, so their bits do
 * not depend on the engine.
 */
export function computeFeatures(price: Float64Array, env: { lookback: number }, features: FeaturesConfig, sqlValues: Record<string, Float64Array> = {}): FeatureSet {
  const rows = price.length;
  const logReturns = new Float64Array(rows).fill(NaN);
  const simpleReturns = new Float64Array(rows).fill(NaN);
  for (let t = 1; t < rows; t++) {
    logReturns[t] = Math.log(price[t] / price[t - 1]);
    simpleReturns[t] = price[t] / price[t - 1] - 1;
  }
  const columns: Array<{ name: string; group: string; at: (t: number) => number; firstValidRow: number }> = [];
  for (const spec of featureSpecs(features)) {
    if (spec.kind === 'returns') {
      for (let k = env.lookback - 1; k >= 0; k--) {
        columns.push({ name: k === 0 ? 'logReturn_t' : `logReturn_t-${k}`, group: 'logReturn', at: (t) => logReturns[t - k], firstValidRow: env.lookback });
      }
      continue;
    }
    const column = spec.kind === 'sql' ? sqlColumn(spec.name, sqlValues, rows) : builtinColumn(spec.kind, spec.window, price, logReturns);
    columns.push({ name: column.name, group: column.name, at: (t) => column.values[t], firstValidRow: column.firstValidRow });
  }
  const firstValidRow = Math.max(1, ...columns.map((c) => c.firstValidRow));
  const dim = columns.length;
  const raw = new Float32Array(rows * dim).fill(NaN);
  for (let t = firstValidRow; t < rows; t++) {
    const base = t * dim;
    for (let c = 0; c < dim; c++) raw[base + c] = columns[c].at(t);
  }
  return { rows, dim, names: columns.map((c) => c.name), groups: columns.map((c) => c.group), raw, firstValidRow, logReturns, simpleReturns };
}

/**
 * The features of every instrument of a panel run, each with `rows` = the panel's rows: computed by computeFeatures on
 * the instrument's own history (from its first bar), then placed on the panel calendar, NaN before it (returns NaN up
 * to its first bar inclusive, as at row 0 of a series). An instrument whose history is the whole calendar gets exactly
 * computeFeatures of its prices.
 */
export function computePanelFeatures(series: PriceSeries, env: { lookback: number }, features: FeaturesConfig): FeatureSet[] {
  if (!series.panel) throw new Error('computePanelFeatures: the series is not a panel run (data.symbol is set or one instrument is selected)');
  return series.panel.map((instrument) => {
    const from = instrument.firstRow;
    const own = Object.fromEntries(Object.entries(instrument.features).map(([name, values]) => [name, values.subarray(from)]));
    return onCalendar(computeFeatures(instrument.price.subarray(from), env, features, own), from, series.rows);
  });
}

/** A FeatureSet of an instrument's own rows placed at row `from` of a calendar of `rows` rows, NaN before. */
function onCalendar(own: FeatureSet, from: number, rows: number): FeatureSet {
  if (from === 0) return own;
  const raw = new Float32Array(rows * own.dim).fill(NaN);
  raw.set(own.raw, from * own.dim);
  const shifted = (values: Float64Array) => {
    const out = new Float64Array(rows).fill(NaN);
    out.set(values, from);
    return out;
  };
  return { ...own, rows, raw, firstValidRow: own.firstValidRow + from, logReturns: shifted(own.logReturns), simpleReturns: shifted(own.simpleReturns) };
}

interface Column {
  name: string;
  values: Float64Array;
  firstValidRow: number;
}

function sqlColumn(name: string, sqlValues: Record<string, Float64Array>, rows: number): Column {
  const values = sqlValues[name];
  if (values?.length !== rows) throw new Error(`feature ${name} was not computed with the data (${values?.length ?? 'no'} values for ${rows} rows)`);
  let first = 0;
  while (first < rows && Number.isNaN(values[first])) first++;
  return { name, values, firstValidRow: first };
}

function builtinColumn(kind: 'volatility' | 'rsi' | 'smaRatio', w: number, price: Float64Array, r: Float64Array): Column {
  const rows = price.length;
  const values = new Float64Array(rows).fill(NaN);
  if (kind === 'volatility') {
    for (let t = w; t < rows; t++) values[t] = sampleStd(r, t - w + 1, t + 1);
    return { name: `volatility_${w}`, values, firstValidRow: w };
  }
  if (kind === 'rsi') {
    for (let t = w; t < rows; t++) {
      let gain = 0;
      let loss = 0;
      for (let i = t - w + 1; i <= t; i++) {
        const d = price[i] - price[i - 1];
        if (d > 0) gain += d;
        else loss -= d;
      }
      values[t] = gain + loss === 0 ? 0.5 : gain / (gain + loss);
    }
    return { name: `rsi_${w}`, values, firstValidRow: w };
  }
  let sum = 0;
  for (let t = 0; t < rows; t++) {
    sum += price[t];
    if (t >= w) sum -= price[t - w];
    if (t >= w - 1) values[t] = price[t] / (sum / w) - 1;
  }
  return { name: `smaRatio_${w}`, values, firstValidRow: w - 1 };
}

function sampleStd(x: Float64Array, start: number, end: number): number {
  const n = end - start;
  let mean = 0;
  for (let i = start; i < end; i++) mean += x[i];
  mean /= n;
  let ss = 0;
  for (let i = start; i < end; i++) ss += (x[i] - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** Mean and std per feature group over the rows [start, end) only (the training segment). */
export function fitStandardization(fs: FeatureSet, start: number, end: number): Standardization {
  const groups = [...new Set(fs.groups)];
  const from = Math.max(start, fs.firstValidRow);
  const mean: number[] = [];
  const std: number[] = [];
  for (const group of groups) {
    const column = fs.groups.indexOf(group);
    // The lagged-return group is the return series itself: use r_t over the training rows.
    const values: number[] = [];
    for (let t = from; t < end; t++) values.push(group === 'logReturn' ? fs.logReturns[t] : fs.raw[t * fs.dim + column]);
    const m = values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
    const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(values.length - 1, 1);
    mean.push(m);
    std.push(v > 0 ? Math.sqrt(v) : 1);
  }
  return { fittedOn: [start, end], groups, mean, std };
}

/** The whole feature matrix standardized with fixed statistics (NaN rows stay NaN). */
export function standardize(fs: FeatureSet, stats: Standardization): Float32Array {
  const out = new Float32Array(fs.raw.length);
  const mean = fs.groups.map((g) => stats.mean[stats.groups.indexOf(g)]);
  const std = fs.groups.map((g) => stats.std[stats.groups.indexOf(g)]);
  for (let i = 0; i < fs.raw.length; i++) {
    const c = i % fs.dim;
    out[i] = (fs.raw[i] - mean[c]) / std[c];
  }
  return out;
}
