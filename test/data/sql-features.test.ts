import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { computeFeatures } from '../../src/data/features.js';
import { loadPriceSeries } from '../../src/data/load-series.js';
import { ConfigError, DataError } from '../../src/errors/index.js';
import { tempDir, writeFile } from '../helpers/temp.js';
import { failure } from '../helpers/failure.js';

/** Three instruments of OHLCV over 80 business days, each its own smooth path, so every value is known in closed form. */
function panel(): string {
  const rows = ['date,symbol,open,high,low,close,volume'];
  for (let i = 0; i < 80; i++) {
    const date = new Date(Date.UTC(2021, 0, 4) + i * 86_400_000).toISOString().slice(0, 10);
    for (const [k, symbol] of ['AAA', 'BBB', 'CCC'].entries()) {
      const close = 100 + 10 * k + Math.sin(i / (5 + k)) * (3 + k) + i * 0.1 * (k - 1);
      rows.push(`${date},${symbol},${close.toFixed(4)},${(close + 1 + k).toFixed(4)},${(close - 1).toFixed(4)},${close.toFixed(4)},${1000 + ((i * 37 + k * 11) % 200)}`);
    }
  }
  return `${rows.join('\n')}\n`;
}

describe('features as SQL over the panel', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const path = writeFile(tmp.dir, 'ohlcv.csv', panel());
  const load = (features: Array<{ name: string; sql: string }>, symbol = 'BBB') =>
    loadPriceSeries({ path, priceColumn: 'close', dateColumn: 'date', fillMissing: 'none', symbol, features });

  test("the issue's examples compute what they say, per instrument, over the instrument's own bars", async () => {
    const s = await load([
      { name: 'mom_20', sql: 'close / lag(close, 20) OVER w - 1' },
      { name: 'range', sql: '(high - low) / close' },
      { name: 'vol_z', sql: '(volume - avg(volume) OVER (w ROWS 59 PRECEDING)) / stddev(volume) OVER (w ROWS 59 PRECEDING)' },
    ]);
    const close = s.price;
    const { high, low, volume } = s.columns;
    expect(s.features.mom_20.slice(0, 20).every(Number.isNaN)).toBe(true);
    for (const t of [20, 45, 79]) {
      expect(s.features.mom_20[t]).toBeCloseTo(close[t] / close[t - 20] - 1, 12);
      expect(s.features.range[t]).toBeCloseTo((high[t] - low[t]) / close[t], 12);
      const window = Array.from(volume.subarray(Math.max(0, t - 59), t + 1));
      const mean = window.reduce((a, b) => a + b, 0) / window.length;
      const sd = Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / (window.length - 1));
      expect(s.features.vol_z[t]).toBeCloseTo((volume[t] - mean) / sd, 10);
    }
  });

  test('a feature may use the ones before it: a rank of momentum across the symbols of each date', async () => {
    const features = [
      { name: 'mom_5', sql: 'close / lag(close, 5) OVER w - 1' },
      { name: 'mom_rank', sql: 'rank() OVER (PARTITION BY date ORDER BY mom_5)' },
    ];
    const bySymbol = await Promise.all(['AAA', 'BBB', 'CCC'].map((symbol) => load(features, symbol)));
    for (const t of [5, 30, 79]) {
      const moms = bySymbol.map((s) => s.features.mom_5[t]);
      const ranks = bySymbol.map((s) => s.features.mom_rank[t]);
      expect(ranks.slice().sort()).toEqual([1, 2, 3]);
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) if (moms[a] < moms[b]) expect(ranks[a]).toBeLessThan(ranks[b]);
    }
  });

  test('built-ins and SQL features side by side: the observation lists them in order, each its own group, warm-up the longest', async () => {
    const list = [{ name: 'returns' as const }, { name: 'volatility' as const, window: 10 }, { name: 'mom_20', sql: 'close / lag(close, 20) OVER w - 1' }];
    const s = await load([list[2] as { name: string; sql: string }]);
    const fs = computeFeatures(s.price, { lookback: 3 }, list, s.features);
    expect(fs.names).toEqual(['logReturn_t-2', 'logReturn_t-1', 'logReturn_t', 'volatility_10', 'mom_20']);
    expect(fs.groups).toEqual(['logReturn', 'logReturn', 'logReturn', 'volatility_10', 'mom_20']);
    expect(fs.firstValidRow).toBe(20);
    expect(fs.raw[30 * fs.dim + 4]).toBeCloseTo(s.price[30] / s.price[10] - 1, 6);
    // The settings of before give the same observation as the list that spells them out.
    const legacy = computeFeatures(s.price, { lookback: 3 }, { extra: ['volatility'], volatilityWindow: 10, rsiWindow: 14, smaWindow: 20 });
    const spelled = computeFeatures(s.price, { lookback: 3 }, list.slice(0, 2));
    expect(Buffer.from(spelled.raw.buffer)).toEqual(Buffer.from(legacy.raw.buffer));
    expect(spelled.names).toEqual(legacy.names);
  });

  test.each([
    ['a file read inside the expression', (canary: string) => `(SELECT count(*) FROM read_csv('${canary}'))`, /features\[0\] \(evil\): it holds a subquery/],
    // Written to close the statement the expression sits in and open a valid one after it, so only the count refuses them.
    ['a second statement (COPY)', (_c: string, out: string) => `1) AS DOUBLE) AS x FROM bars; COPY (SELECT 42) TO '${out}'; SELECT CAST((1`, /features\[0\] \(evil\): the expression holds a second statement/],
    ['a second statement (ATTACH)', (_c: string, out: string) => `1) AS DOUBLE) AS x FROM bars; ATTACH '${out}' AS other; SELECT CAST((1`, /features\[0\] \(evil\): the expression holds a second statement/],
    ['a second statement (INSTALL, LOAD)', () => `1) AS DOUBLE) AS x FROM bars; INSTALL httpfs; LOAD httpfs; SELECT CAST((1`, /features\[0\] \(evil\): the expression holds a second statement/],
    ['INSTALL written as an expression', () => 'INSTALL httpfs', /features\[0\] \(evil\): .*syntax error/],
    ['a subquery that reads every bar (normalisation by the last price, past any cut of the gate)', () => 'close / (SELECT last(close ORDER BY date) FROM bars)', /features\[0\] \(evil\): it holds a subquery/],
    ['a FROM and UNION smuggled in with closing parentheses', () => '1) AS DOUBLE) AS x FROM bars UNION ALL SELECT id, CAST((close', /features\[0\] \(evil\): DuckDB cannot read it as an expression/],
    ['a volatile function', () => 'close * random()', /features\[0\] \(evil\): random gives another value on every run/],
    ['a volatile keyword', () => 'year(current_date) - year(date)', /features\[0\] \(evil\): current_date gives another value on every run/],
    ['a query of the file system by glob', (canary: string) => `(SELECT count(*) FROM glob('${canary}'))`, /features\[0\] \(evil\): it holds a subquery/],
  ])('%s is refused naming the feature, and nothing is written', async (_name, expression, message) => {
    const canary = writeFile(tmp.dir, 'canary.csv', 'secret\n1\n');
    const out = join(tmp.dir, 'written-by-a-feature.csv');
    const error = await failure(load([{ name: 'evil', sql: expression(canary, out) }]));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  test('a feature with a hole after its first value is a DataError naming the feature, the symbol and the date', async () => {
    const error = await failure(load([{ name: 'gappy', sql: "CASE WHEN date = TIMESTAMPTZ '2021-02-01' THEN NULL ELSE close END" }]));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      `${path}: feature gappy is empty (NULL or NaN) on 2021-02-01 of BBB after its first value on 2021-01-04; a feature must have a value on every bar after its warm-up`,
    );
  });

  test.each(['close', 'Volume', 'symbol', 'date'])('a feature named like a column of the data (%s) is refused naming it and how to fix it', async (name) => {
    const error = await failure(load([{ name, sql: 'close / lag(close, 1) OVER w - 1' }]));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`features[0] (${name}): the data has a column of that name`);
  });
});
