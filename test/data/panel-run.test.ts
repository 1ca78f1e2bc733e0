import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataEngine, sqlString } from '../../src/data/engine.js';
import { computeFeatures, computePanelFeatures } from '../../src/data/features.js';
import { loadPriceSeries, type LoadOptions } from '../../src/data/load-series.js';
import { DataError } from '../../src/errors/index.js';
import { failure } from '../helpers/failure.js';
import { calendarOf, day, gapsOf, onCalendar, writePanel } from '../helpers/panel-fixture.js';
import { tempDir, writeFile } from '../helpers/temp.js';

const base = { priceColumn: 'close', dateColumn: 'date', fillMissing: 'none' as const };
/** A lacks day 7; B starts on day 5 and lacks day 20; C ends on day 30. */
const HELD = { A: (i: number) => i !== 7, B: (i: number) => i >= 5 && i !== 20, C: (i: number) => i <= 30 };
const CHG = { name: 'chg', sql: 'close / lag(close) OVER w - 1' };

const bits = (a: ArrayLike<number>) => Buffer.from(Float64Array.from(a).buffer);

describe('a panel run: every selected instrument on the panel calendar', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const p = writePanel(tmp.dir, 'panel.csv', 40, HELD);
  const load = (extra: Partial<LoadOptions>) => loadPriceSeries({ ...base, path: p.path, ...extra });
  /** An instrument's own previous bar before day i (-1 when none), as lag() OVER w sees it. */
  const previous = (s: string, i: number) => {
    let j = i - 1;
    while (j >= 0 && !p.has(s, j)) j--;
    return j;
  };
  const chg = (s: string) => (i: number) => (previous(s, i) < 0 ? NaN : p.close(s, i) / p.close(s, previous(s, i)) - 1);

  test.each(['intersect', 'ffill'] as const)('align %s: the dates, each instrument’s closes and SQL feature, first rows and gaps, as written', async (align) => {
    const s = await load({ align, features: [CHG] });
    const calendar = calendarOf(p, align);
    expect(s.dates).toEqual(calendar.map(day));
    expect(s.rows).toBe(calendar.length);
    expect(s.panel?.map((i) => i.symbol)).toEqual(['A', 'B', 'C']);
    for (const instrument of s.panel ?? []) {
      const symbol = instrument.symbol;
      expect(bits(instrument.price)).toEqual(bits(onCalendar(p, calendar, symbol, (i) => p.close(symbol, i))));
      expect(bits(instrument.features.chg)).toEqual(bits(onCalendar(p, calendar, symbol, chg(symbol))));
      expect(instrument.firstRow).toBe(calendar.findIndex((i) => p.has(symbol, i)));
    }
    expect(s.gaps).toEqual(align === 'intersect' ? [] : p.symbols.flatMap((symbol) => gapsOf(p, calendar, symbol)));
    // The series' own fields are the first instrument's.
    expect([s.symbol, s.symbols, s.price, s.features]).toEqual(['A', ['A', 'B', 'C'], s.panel?.[0].price, s.panel?.[0].features]);
    expect(s.price).toBe(s.panel?.[0].price);
    expect(Object.keys(s.columns)).toEqual(['volume', 'close']);
    expect(Array.from(s.columns.volume)).toEqual(onCalendar(p, calendar, 'A', (i) => 1000 + 7 * i));
  });

  test('a late starter is NaN before its first bar; one that ends early carries its last close; each equals its data.symbol run on its own dates', async () => {
    const s = await load({ align: 'ffill' });
    const [, b, c] = s.panel ?? [];
    expect(b.firstRow).toBe(5);
    expect(Array.from(b.price.subarray(0, 5)).every(Number.isNaN)).toBe(true);
    expect(Array.from(c.price.subarray(31))).toEqual(new Array(9).fill(p.close('C', 30)));
    for (const instrument of s.panel ?? []) {
      const one = await load({ align: 'ffill', symbol: instrument.symbol });
      const from = (s.dates ?? []).indexOf((one.dates ?? [])[0]);
      expect(bits(instrument.price.subarray(from, from + one.rows))).toEqual(bits(one.price));
    }
  });

  test('SQL features per instrument, a cross-sectional rank among them, are what DuckDB gives per symbol on the file', async () => {
    const rank = { name: 'rk', sql: 'rank() OVER (PARTITION BY date ORDER BY close)' };
    const s = await load({ align: 'ffill', features: [CHG, rank] });
    const engine = await DataEngine.open();
    const expected = new Map<string, { chg: number; rk: number }>();
    try {
      const rows = await engine.rows(
        `SELECT symbol, date::VARCHAR AS d, close / lag(close) OVER (PARTITION BY symbol ORDER BY date) - 1 AS chg, rank() OVER (PARTITION BY date ORDER BY close) AS rk FROM read_csv(${sqlString(p.path)})`,
      );
      for (const r of rows) expected.set(`${r.symbol} ${r.d}`, { chg: r.chg === null ? NaN : Number(r.chg), rk: Number(r.rk) });
    } finally {
      engine.close();
    }
    const calendar = calendarOf(p, 'ffill');
    for (const { symbol, features } of s.panel ?? []) {
      for (const name of ['chg', 'rk'] as const) {
        const own = onCalendar(p, calendar, symbol, (i) => (expected.get(`${symbol} ${day(i)}`) as { chg: number; rk: number })[name]);
        expect(bits(features[name])).toEqual(bits(own));
      }
    }
  });

  test('the look-ahead gate catches lead(close) in a panel run, naming the feature, an instrument and the cut', async () => {
    const error = await failure(load({ align: 'ffill', features: [{ name: 'nxt', sql: 'lead(close) OVER w' }], gateCuts: () => [12] }));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(new RegExp(`^${p.path}: feature nxt uses the future: on ${day(12)} of [ABC] it is .* on the data cut at ${day(12)}`));
  });

  test('computePanelFeatures: an instrument with the whole calendar gets computeFeatures bit for bit; a late one its own, placed at its first bar', async () => {
    const features = [{ name: 'returns' as const }, { name: 'volatility' as const, window: 4 }, { name: 'rsi' as const, window: 3 }, CHG];
    const env = { lookback: 3 };
    const s = await load({ align: 'ffill', features: [CHG] });
    const sets = computePanelFeatures(s, env, features);
    const [a, b] = s.panel ?? [];
    const whole = computeFeatures(a.price, env, features, a.features);
    expect(sets[0].rows).toBe(s.rows);
    expect(Buffer.from(sets[0].raw.buffer)).toEqual(Buffer.from(whole.raw.buffer));
    expect([bits(sets[0].logReturns), bits(sets[0].simpleReturns)]).toEqual([bits(whole.logReturns), bits(whole.simpleReturns)]);
    expect([sets[0].firstValidRow, sets[0].names, sets[0].groups]).toEqual([whole.firstValidRow, whole.names, whole.groups]);
    const own = computeFeatures(b.price.subarray(b.firstRow), env, features, { chg: b.features.chg.subarray(b.firstRow) });
    const late = sets[1];
    expect([late.rows, late.firstValidRow]).toEqual([s.rows, own.firstValidRow + b.firstRow]);
    expect(Array.from(late.raw.subarray(0, b.firstRow * late.dim)).every(Number.isNaN)).toBe(true);
    expect(Buffer.from(late.raw.slice(b.firstRow * late.dim).buffer)).toEqual(Buffer.from(own.raw.buffer));
    expect(Array.from(late.logReturns.subarray(0, b.firstRow + 1)).every(Number.isNaN)).toBe(true);
    expect(bits(late.simpleReturns.subarray(b.firstRow))).toEqual(bits(own.simpleReturns));
    expect(() => computePanelFeatures({ ...s, panel: null }, env, features)).toThrow(/not a panel run/);
  });

  test('data.fillMissing ffill fills an instrument’s empty close from its own last earlier bar and lists the cell', async () => {
    const text = ['date,symbol,close', '2021-01-01,A,10', '2021-01-01,B,20', '2021-01-02,A,11', '2021-01-02,B,', '2021-01-03,A,12', '2021-01-03,B,22'];
    const s = await loadPriceSeries({ ...base, path: writeFile(tmp.dir, 'empty.csv', `${text.join('\n')}\n`), fillMissing: 'ffill' });
    expect(s.panel?.map((i) => Array.from(i.price))).toEqual([
      [10, 11, 12],
      [20, 20, 22],
    ]);
    expect(s.filled).toEqual([`close:${text.indexOf('2021-01-02,B,') + 1}`]);
  });

  test('a folder of one series per file: data.symbols picks the panel, and the files left out do not thin its calendar', async () => {
    const folder = join(tmp.dir, 'per-file');
    mkdirSync(folder);
    const series = (days: number[]) => `date,close\n${days.map((i) => `${day(i)},${100 + i}`).join('\n')}\n`;
    writeFile(folder, 'AAA.csv', series([0, 1, 2, 3]));
    writeFile(folder, 'BBB.csv', series([1, 2, 3, 4]));
    writeFile(folder, 'CCC.csv', series([2, 3]));
    const s = await loadPriceSeries({ ...base, path: folder, symbols: ['BBB', 'AAA'] });
    expect([s.symbols, s.dates]).toEqual([['AAA', 'BBB'], [1, 2, 3].map(day)]);
  });

  test('a panel whose instruments share no date under intersect says so and how to keep every date', async () => {
    const path = writeFile(tmp.dir, 'apart.csv', 'date,symbol,close\n2021-01-01,A,1\n2021-01-02,A,2\n2021-01-03,B,3\n2021-01-04,B,4\n');
    const error = await failure(loadPriceSeries({ ...base, path }));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      `${path}: only 0 date(s) on the calendar of the panel of 2 instruments (data.align intersect: the dates every selected instrument has; data.align=ffill keeps every date); a price series needs at least 2`,
    );
    expect((await loadPriceSeries({ ...base, path, align: 'ffill' })).rows).toBe(4);
  });
});

describe('a run of one instrument is as before the panel', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('data.symbol on a panel: the traded instrument’s calendar, prices, SQL feature and the others’ gaps, and no panel', async () => {
    const p = writePanel(tmp.dir, 'panel.csv', 40, HELD);
    const s = await loadPriceSeries({ ...base, path: p.path, symbol: 'B', align: 'ffill', features: [CHG] });
    const calendar = calendarOf(p, 'ffill').filter((i) => i >= 5);
    expect(s.dates).toEqual(calendar.map(day));
    expect(bits(s.price)).toEqual(bits(onCalendar(p, calendar, 'B', (i) => p.close('B', i))));
    expect(s.gaps).toEqual(['A', 'B', 'C'].flatMap((symbol) => gapsOf(p, calendar, symbol)));
    const previous = (i: number) => [...Array(i).keys()].reverse().find((j) => p.has('B', j)) as number;
    expect(bits(s.features.chg)).toEqual(bits(onCalendar(p, calendar, 'B', (i) => (i === 5 ? NaN : p.close('B', i) / p.close('B', previous(i)) - 1))));
    expect([s.symbol, s.symbols, s.panel, s.filled]).toEqual(['B', ['A', 'B', 'C'], null, []]);
  });

  test('the bundled one-series file: every close and date as its text reads, one column per numeric header, no panel', async () => {
    const lines = readFileSync('data/sp500-2000.csv', 'utf8').trim().split('\n');
    const header = lines[0].split(',');
    const rows = lines.slice(1).map((l) => l.split(','));
    const s = await loadPriceSeries({ ...base, path: 'data/sp500-2000.csv' });
    expect(s.rows).toBe(rows.length);
    expect(s.dates).toEqual(rows.map((r) => r[header.indexOf('date')]));
    expect(bits(s.price)).toEqual(bits(rows.map((r) => Number(r[header.indexOf('close')]))));
    expect([s.symbol, s.symbols, s.gaps, s.filled, s.features, s.gateCuts, s.panel]).toEqual(['sp500-2000', ['sp500-2000'], [], [], {}, [], null]);
  });
});
