import type { FeaturesConfig } from './config.js';

/** One column group of the observation, in the order the config lists it. */
export type FeatureSpec =
  | { kind: 'returns' }
  | { kind: 'volatility' | 'rsi' | 'smaRatio'; window: number }
  | { kind: 'sql'; name: string; sql: string };

export interface SqlFeature {
  name: string;
  sql: string;
  /** Its place in the config's features list, which messages name (default: its place among the SQL ones). */
  at?: number;
}

const DEFAULT_WINDOW = { volatility: 20, rsi: 14, smaRatio: 20 } as const;

/** The features of a config as one list: the settings of before are the lookback returns followed by `extra`. */
export function featureSpecs(features: FeaturesConfig): FeatureSpec[] {
  if (!Array.isArray(features)) {
    const windows = { volatility: features.volatilityWindow, rsi: features.rsiWindow, smaRatio: features.smaWindow };
    return [{ kind: 'returns' }, ...features.extra.map((kind) => ({ kind, window: windows[kind] }))];
  }
  return features.map((f): FeatureSpec => {
    if ('sql' in f) return { kind: 'sql', name: f.name, sql: f.sql };
    if (f.name === 'returns') return { kind: 'returns' };
    return { kind: f.name, window: f.window ?? DEFAULT_WINDOW[f.name] };
  });
}

/** The SQL expressions among a config's features, which DuckDB computes when the data is loaded. */
export function sqlFeatures(features: FeaturesConfig): SqlFeature[] {
  return featureSpecs(features).flatMap((s, at) => (s.kind === 'sql' ? [{ name: s.name, sql: s.sql, at }] : []));
}

/** Rows before the built-ins are all defined (SQL features say theirs only once computed). */
export function builtinWarmup(specs: FeatureSpec[], lookback: number): number {
  return Math.max(
    1,
    ...specs.map((s) => (s.kind === 'returns' ? lookback : s.kind === 'smaRatio' ? s.window - 1 : s.kind === 'sql' ? 0 : s.window)),
  );
}

/** The names a feature list gives twice, in any case (a config rule refuses them: DuckDB does not tell case apart). */
export function repeatedFeatureNames(features: FeaturesConfig): string[] {
  if (!Array.isArray(features)) return [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const f of features) {
    if (seen.has(f.name.toLowerCase())) repeated.add(f.name);
    seen.add(f.name.toLowerCase());
  }
  return [...repeated];
}

/** The columns and groups the built-ins name (logReturn_t-3, volatility_20, ...), in lower case. */
const BUILTIN_COLUMN = /^(returns|logreturn(_t(-\d+)?)?|(volatility|rsi|smaratio)(_\d+)?)$/;

/** SQL features named like a built-in or one of its columns, which would share its standardisation. */
export function sqlNamesLikeBuiltins(features: FeaturesConfig): string[] {
  return sqlFeatures(features)
    .map((f) => f.name)
    .filter((name) => BUILTIN_COLUMN.test(name.toLowerCase()));
}

/** The name of each feature, as the config gives it (the settings of before: returns, then each extra). */
export function featureNames(features: FeaturesConfig): string[] {
  return featureSpecs(features).map((s) => (s.kind === 'sql' ? s.name : s.kind));
}

/** A short description of the features, for the run's summary line. */
export function describeFeatures(features: FeaturesConfig, lookback: number): string {
  return featureSpecs(features)
    .map((s) => (s.kind === 'returns' ? `${lookback} returns` : s.kind === 'sql' ? s.name : `${s.kind}_${s.window}`))
    .join(', ');
}

/** The observation's feature columns as computeFeatures names them (logReturn_t-7 .. logReturn_t, volatility_20, ...). */
export function featureColumnNames(features: FeaturesConfig, lookback: number): string[] {
  return featureSpecs(features).flatMap((s) => {
    if (s.kind === 'returns') return Array.from({ length: lookback }, (_, i) => (i === lookback - 1 ? 'logReturn_t' : `logReturn_t-${lookback - 1 - i}`));
    return [s.kind === 'sql' ? s.name : `${s.kind}_${s.window}`];
  });
}
