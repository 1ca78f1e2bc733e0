import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadPriceSeries } from '../../src/data/load-series.js';
import { compareRows, rowContent } from '../../src/data/row-content.js';
import { ar1Prices, toCsv, toPanelCsv, weekdayDates } from '../helpers/synthetic.js';
import { toParquet } from '../helpers/parquet.js';
import { tempDir } from '../helpers/temp.js';

const base = { priceColumn: 'close', dateColumn: 'date', fillMissing: 'none' as const };
const prices = ar1Prices(120, 0.3, 0.01, 5);
const dates = weekdayDates(120);

describe('the loaded rows recorded in blocks, to tell appended rows from changed ones', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const csv = (name: string, values: Float64Array, rows: number) => {
    const path = join(tmp.dir, name);
    writeFileSync(path, toCsv(values.slice(0, rows), dates.slice(0, rows)));
    return path;
  };

  test('CSV: the same rows, rows appended, an old price changed, rows removed', async () => {
    const recorded = rowContent(await loadPriceSeries({ ...base, path: csv('old.csv', prices, 100) }));
    expect(recorded.rows).toBe(100);
    expect(recorded.blockRows).toBe(4);
    expect(recorded.blocks).toHaveLength(25);
    expect(compareRows(recorded, await loadPriceSeries({ ...base, path: csv('same.csv', prices, 100) }))).toEqual({ kind: 'same' });
    expect(compareRows(recorded, await loadPriceSeries({ ...base, path: csv('grown.csv', prices, 120) }))).toEqual({ kind: 'appended' });
    const changed = prices.slice();
    changed[41] += 0.5;
    const edited = await loadPriceSeries({ ...base, path: csv('edited.csv', changed, 120) });
    expect(compareRows(recorded, edited)).toEqual({ kind: 'changed', firstRow: 40, lastRow: 43 });
    expect(compareRows(recorded, await loadPriceSeries({ ...base, path: csv('short.csv', prices, 99) }))).toEqual({ kind: 'shrank' });
    const withVolume = join(tmp.dir, 'volume.csv');
    writeFileSync(withVolume, ['date,close,volume', ...dates.map((d, i) => `${d},${prices[i].toFixed(6)},100`)].join('\n') + '\n');
    expect(compareRows(recorded, await loadPriceSeries({ ...base, path: withVolume }))).toEqual({ kind: 'columns', added: ['column volume'], removed: [] });
  });

  test('a Parquet panel: its first rows hash as the rows loaded before, a changed instrument does not', async () => {
    const series = [
      { symbol: 'AAA', prices },
      { symbol: 'BBB', prices: ar1Prices(120, -0.2, 0.01, 6) },
    ];
    const long = join(tmp.dir, 'panel.csv');
    writeFileSync(long, toPanelCsv(series, 120));
    const old = join(tmp.dir, 'old.parquet');
    await toParquet(long, old, '*', `date <= DATE '${dates[99]}'`);
    const grown = join(tmp.dir, 'grown.parquet');
    await toParquet(long, grown);
    const recorded = rowContent(await loadPriceSeries({ ...base, path: old }));
    expect(recorded.rows).toBe(100);
    expect(compareRows(recorded, await loadPriceSeries({ ...base, path: grown }))).toEqual({ kind: 'appended' });
    const edited = join(tmp.dir, 'edited.parquet');
    await toParquet(long, edited, `date, symbol, CASE WHEN symbol = 'BBB' AND date = DATE '${dates[7]}' THEN close + 1 ELSE close END AS close`);
    expect(compareRows(recorded, await loadPriceSeries({ ...base, path: edited }))).toEqual({ kind: 'changed', firstRow: 4, lastRow: 7 });
  });

  test('a panel under align ffill: an instrument without bars at the end may stay without them, or trade again, in the appended rows', async () => {
    const aaa = { symbol: 'AAA', prices };
    const bbb = ar1Prices(120, -0.2, 0.01, 7);
    const write = (name: string, rows: number, bbbRows: (i: number) => boolean) => {
      const lines = ['date,symbol,close'];
      for (let i = 0; i < rows; i++) {
        lines.push(`${dates[i]},AAA,${aaa.prices[i].toFixed(6)}`);
        if (bbbRows(i)) lines.push(`${dates[i]},BBB,${bbb[i].toFixed(6)}`);
      }
      const path = join(tmp.dir, name);
      writeFileSync(path, lines.join('\n') + '\n');
      return loadPriceSeries({ ...base, path, align: 'ffill' });
    };
    const recorded = rowContent(await write('gap-old.csv', 100, (i) => i < 90));
    expect(compareRows(recorded, await write('gap-still.csv', 120, (i) => i < 90))).toEqual({ kind: 'appended' });
    expect(compareRows(recorded, await write('gap-back.csv', 120, (i) => i < 90 || i >= 105))).toEqual({ kind: 'appended' });
    expect(compareRows(recorded, await write('gap-filled.csv', 120, () => true))).toMatchObject({ kind: 'changed', firstRow: 88 });
  });

  test('SQL features as loaded: a causal one hashes its first rows as before, a look-ahead one changes the last old row', async () => {
    const features = [
      { name: 'mom_10', sql: 'close / lag(close, 10) OVER w - 1', at: 0 },
      { name: 'next', sql: 'coalesce(lead(close) OVER w, close)', at: 1 },
    ];
    const load = (path: string, only: number) => loadPriceSeries({ ...base, path, features: features.slice(0, only) });
    const old = csv('features-old.csv', prices, 100);
    const grown = csv('features-grown.csv', prices, 120);
    expect(compareRows(rowContent(await load(old, 1)), await load(grown, 1))).toEqual({ kind: 'appended' });
    expect(compareRows(rowContent(await load(old, 2)), await load(grown, 2))).toEqual({ kind: 'changed', firstRow: 96, lastRow: 99 });
  });
});
