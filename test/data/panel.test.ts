import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataEngine, sqlString } from '../../src/data/engine.js';
import { loadPriceSeries, type LoadOptions } from '../../src/data/load-series.js';
import { DataError } from '../../src/errors/index.js';
import { tempDir, writeFile } from '../helpers/temp.js';
import { failure } from '../helpers/failure.js';
import { toParquet } from '../helpers/parquet.js';

const base = { priceColumn: 'close', dateColumn: 'date', fillMissing: 'none' as const };

/** Two instruments in long format: A trades every day, B misses 2020-01-03 and starts a day late. */
const LONG = [
  'date,symbol,close,volume',
  '2020-01-01,A,10,100',
  '2020-01-02,A,11,110',
  '2020-01-02,B,20,200',
  '2020-01-03,A,12,120',
  '2020-01-04,A,13,130',
  '2020-01-04,B,22,220',
  '2020-01-05,A,14,140',
  '2020-01-05,B,23,230',
].join('\n');



describe('panels: long format, several files, CSV and Parquet', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const long = writeFile(tmp.dir, 'long.csv', `${LONG}\n`);
  const load = (extra: Partial<LoadOptions>) => loadPriceSeries({ ...base, path: long, ...extra });

  test('several symbols without data.symbol are a panel run of them all in name order; data.symbol trades one as before', async () => {
    const panel = await load({ symbols: ['B', 'A'] });
    expect(panel.panel?.map((i) => i.symbol)).toEqual(['A', 'B']);
    expect([panel.symbol, panel.symbols, panel.dates]).toEqual(['A', ['A', 'B'], ['2020-01-02', '2020-01-04', '2020-01-05']]);
    expect(panel.price).toBe(panel.panel?.[0].price);
    const one = await load({ symbol: 'B' });
    expect(one.panel).toBeNull();
    expect(Array.from(panel.panel?.[1].price ?? [])).toEqual(Array.from(one.price));
    const b = one;
    expect(b.symbol).toBe('B');
    expect(b.dates).toEqual(['2020-01-02', '2020-01-04', '2020-01-05']);
    expect(Array.from(b.price)).toEqual([20, 22, 23]);
    expect(Array.from(b.columns.volume)).toEqual([200, 220, 230]);
  });

  test('data.symbols selects instruments; one left is traded without data.symbol; unknown names are listed', async () => {
    expect((await load({ symbols: ['A'] })).dates).toHaveLength(5);
    await expect(load({ symbols: ['A', 'ZZ'] })).rejects.toThrow(`${long}: data.symbols names ZZ, which the data does not hold; its symbols are: A, B`);
    await expect(load({ symbol: 'C' })).rejects.toThrow(`${long}: data.symbol "C" is not one of the symbols the data holds: A, B`);
  });

  test('align intersect keeps the dates every instrument has; ffill carries a missing bar from the past, never the future', async () => {
    const intersect = await load({ symbol: 'A' });
    expect(intersect.dates).toEqual(['2020-01-02', '2020-01-04', '2020-01-05']);
    expect(Array.from(intersect.price)).toEqual([11, 13, 14]);
    const ffill = await load({ symbol: 'B', align: 'ffill' });
    // B starts on 2020-01-02: nothing before it is invented; its missing 2020-01-03 is its 2020-01-02 close.
    expect(ffill.dates).toEqual(['2020-01-02', '2020-01-03', '2020-01-04', '2020-01-05']);
    expect(Array.from(ffill.price)).toEqual([20, 20, 22, 23]);
    const alone = await load({ symbol: 'A', symbols: ['A'], align: 'intersect' });
    expect(Array.from(alone.price)).toEqual([10, 11, 12, 13, 14]);
  });

  test('the same panel as Parquet loads to the same bits, and a folder of one file per instrument names each by its file', async () => {
    const parquet = join(tmp.dir, 'long.parquet');
    await toParquet(long, parquet);
    for (const symbol of ['A', 'B']) {
      const fromCsv = await load({ symbol, align: 'ffill' });
      const fromParquet = await loadPriceSeries({ ...base, path: parquet, symbol, align: 'ffill' });
      expect(fromParquet.dates).toEqual(fromCsv.dates);
      expect(Buffer.from(fromParquet.price.buffer)).toEqual(Buffer.from(fromCsv.price.buffer));
      expect(Object.keys(fromParquet.columns).sort()).toEqual(Object.keys(fromCsv.columns).sort());
    }
    const folder = join(tmp.dir, 'one-per-file');
    mkdirSync(folder);
    writeFile(folder, 'AAA.csv', 'date,close\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n');
    await toParquet(writeFile(tmp.dir, 'bbb-src.csv', 'date,close\n2020-01-02,5\n2020-01-03,6\n'), join(folder, 'BBB.parquet'));
    const bbb = await loadPriceSeries({ ...base, path: folder, symbol: 'BBB' });
    expect(bbb.dates).toEqual(['2020-01-02', '2020-01-03']);
    const aaa = await loadPriceSeries({ ...base, path: join(folder, '*.csv') });
    expect(aaa.symbol).toBe('AAA');
    expect(Array.from(aaa.price)).toEqual([1, 2, 3]);
    expect(aaa.sha256).not.toBe(bbb.sha256);
  });

  test.each([
    ['a duplicate (date, symbol)', `${LONG}\n2020-01-05,B,24,240\n`, /long-bad\.csv:10: duplicate date 2020-01-05 of B \(first at line 9\)/],
    ['dates out of order within a symbol', `${LONG}\n2020-01-03,B,24,240\n`, /long-bad\.csv:10: date 2020-01-03 of B is not after the previous row's 2020-01-05; rows of a symbol must be in increasing date order/],
    ['a cell that is not a number', LONG.replace('2020-01-04,B,22,220', '2020-01-04,B,22,lots'), /long-bad\.csv:7: volume is "lots", which is not a number/],
    ['an empty cell without fillMissing', LONG.replace('2020-01-04,B,22,220', '2020-01-04,B,,220'), /long-bad\.csv:7: close is empty or NaN; fix the file or set data\.fillMissing=ffill/],
    ['an empty symbol', LONG.replace('2020-01-04,B,22,220', '2020-01-04,,22,220'), /long-bad\.csv:7: the symbol is empty/],
  ])('%s is a DataError naming file, line and what is allowed', async (_name, text, message) => {
    const error = await failure(loadPriceSeries({ ...base, path: writeFile(tmp.dir, 'long-bad.csv', text), symbol: 'B' }));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(message);
  });

  test('Parquet: a price column of the wrong type, an unknown column, a bad row named by its row, an empty file', async () => {
    const text = join(tmp.dir, 'text-price.parquet');
    await toParquet(long, text, 'date, symbol, CAST(close AS VARCHAR) AS close');
    await expect(loadPriceSeries({ ...base, path: text, symbol: 'A' })).rejects.toThrow(
      `${text}: column "close" (data.priceColumn) is VARCHAR; it must be numeric (DOUBLE, FLOAT, INTEGER or DECIMAL)`,
    );
    await expect(loadPriceSeries({ ...base, path: text, symbol: 'A', priceColumn: 'adj_close' })).rejects.toThrow(
      `${text}: no "adj_close" column; columns are: date, symbol, close (choose one with --price-column)`,
    );
    const negative = join(tmp.dir, 'negative.parquet');
    await toParquet(long, negative, "date, symbol, CASE WHEN symbol = 'B' AND close = 22 THEN -1 ELSE close END AS close");
    await expect(loadPriceSeries({ ...base, path: negative, symbol: 'B' })).rejects.toThrow(`${negative}: row 6: close is -1; prices must be positive`);
    const empty = join(tmp.dir, 'empty.parquet');
    await toParquet(long, empty, '*', 'false');
    await expect(loadPriceSeries({ ...base, path: empty })).rejects.toThrow(/empty\.parquet: only 0 data row\(s\)/);
    const notParquet = writeFile(tmp.dir, 'fake.parquet', 'date,close\n');
    await expect(loadPriceSeries({ ...base, path: notParquet })).rejects.toThrow(/fake\.parquet: cannot be read as Parquet/);
  });

  test('dates mean the same instants under any time zone of the machine', () => {
    // 10:00 without an offset is 10:00 UTC, after 09:30Z; read as local time in Tokyo it would be 01:00Z, before it.
    const file = writeFile(tmp.dir, 'zones.csv', 'date,close\n2020-01-02 10:00,1\n2020-01-02T09:30:00Z,2\n');
    const messages = ['Asia/Tokyo', 'America/New_York', 'UTC'].map((TZ) => {
      const child = spawnSync(process.execPath, ['--import', 'tsx', join('test', 'data', 'measure-load.ts'), file], { encoding: 'utf8', env: { ...process.env, TZ } });
      expect(child.status).not.toBe(0);
      return /DataError: (.*)/.exec(child.stderr)?.[1];
    });
    expect(messages[0]).toMatch(/zones\.csv:3: date 2020-01-02T09:30:00Z is not after the previous row's 2020-01-02 10:00/);
    expect(new Set(messages).size).toBe(1);
  });
  test('data.fillMissing ffill fills what SQL features read too: an empty close takes the instrument’s last earlier value', async () => {
    const path = writeFile(tmp.dir, 'gap.csv', LONG.replace('2020-01-04,B,22,220', '2020-01-04,B,,220'));
    const s = await loadPriceSeries({ ...base, path, fillMissing: 'ffill', symbol: 'B', features: [{ name: 'chg', sql: 'close / lag(close) OVER w - 1' }] });
    expect(s.dates).toEqual(['2020-01-02', '2020-01-04', '2020-01-05']);
    expect(Array.from(s.price)).toEqual([20, 20, 23]);
    expect(Array.from(s.features.chg)).toEqual([NaN, 20 / 20 - 1, 23 / 20 - 1]);
  });
  test('a folder is read for its .csv and .parquet files only: a README.txt beside them is not data', async () => {
    const folder = join(tmp.dir, 'with-readme');
    mkdirSync(folder);
    writeFile(folder, 'A.csv', 'date,close\n2020-01-01,10\n2020-01-02,11\n2020-01-03,12\n');
    writeFile(folder, 'README.txt', 'prices of A, from somewhere\n');
    const s = await loadPriceSeries({ ...base, path: folder });
    expect([s.symbol, s.symbols, s.rows]).toEqual(['A', ['A'], 3]);
  });

  test('an infinite price in a Parquet file is refused like one in a CSV', async () => {
    const parquet = join(tmp.dir, 'inf.parquet');
    await toParquet(long, parquet, "date, symbol, CASE WHEN date = DATE '2020-01-04' AND symbol = 'B' THEN 'inf'::DOUBLE ELSE close END AS close, volume");
    const error = await failure(loadPriceSeries({ ...base, path: parquet, symbol: 'B' }));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/inf\.parquet: row \d+: close/);
  });

  test('align ffill ends the calendar at the traded instrument’s last bar: nothing after it is filled', async () => {
    const path = writeFile(tmp.dir, 'delisted.csv', LONG + '\n2020-01-06,B,24,240\n2020-01-07,B,25,250');
    const s = await loadPriceSeries({ ...base, path, symbol: 'A', align: 'ffill' });
    expect(s.dates?.at(-1)).toBe('2020-01-05');
  });
});

describe('the data engine after loading', () => {
  test('can compute but reach no file, and cannot be given its access back', async () => {
    const tmp = tempDir();
    const canary = writeFile(tmp.dir, 'canary.csv', 'a\n1\n');
    const engine = await DataEngine.open();
    try {
      await engine.lockDown();
      expect(await engine.rows('SELECT 6 * 7 AS x')).toEqual([{ x: 42 }]);
      await expect(engine.rows(`SELECT * FROM read_csv(${sqlString(canary)})`)).rejects.toThrow(/file system operations are disabled/);
      await expect(engine.run(`COPY (SELECT 1) TO ${sqlString(join(tmp.dir, 'written.csv'))}`)).rejects.toThrow(/disabled/);
      await expect(engine.run('SET enable_external_access = true')).rejects.toThrow(/configuration has been locked/);
    } finally {
      engine.close();
      tmp.cleanup();
    }
  });
});
