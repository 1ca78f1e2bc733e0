import { loadPriceSeries } from '../../src/data/csv-loader.js';
import { DataError } from '../../src/errors/index.js';
import { tempDir, writeFile } from '../helpers/temp.js';

const options = { priceColumn: 'close', dateColumn: 'date', fillMissing: 'none' as 'none' | 'ffill' };

describe('loadPriceSeries', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const load = (text: string, extra: Partial<typeof options> = {}) =>
    loadPriceSeries({ ...options, ...extra, path: writeFile(tmp.dir, 'prices.csv', text) });

  test('reads numeric columns into typed arrays, case-insensitively, with dates and the file hash', () => {
    const s = load('Date,Open,Close,Symbol\n2020-01-01,1,10,X\n2020-01-02,2,11,X\n2020-01-03,3,12,X\n');
    expect(s.rows).toBe(3);
    expect(s.price).toBeInstanceOf(Float64Array);
    expect(Array.from(s.price)).toEqual([10, 11, 12]);
    expect(Object.keys(s.columns).sort()).toEqual(['close', 'open']);
    expect(s.dates).toEqual(['2020-01-01', '2020-01-02', '2020-01-03']);
    expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('another numeric column can be traded', () => {
    expect(Array.from(load('date,open,close\n2020-01-01,5,10\n2020-01-02,6,11\n', { priceColumn: 'OPEN' }).price)).toEqual([5, 6]);
  });

  test('dates are optional', () => {
    expect(load('close\n1\n2\n3\n').dates).toBeNull();
  });

  test.each([
    ['missing price column', 'date,open\n2020-01-01,1\n2020-01-02,2\n', /prices\.csv:1: no "close" column; columns are: date, open/],
    ['non-numeric price', 'date,close\n2020-01-01,1\n2020-01-02,abc\n', /prices\.csv:3: close is "abc", which is not a number/],
    ['empty cell', 'date,close\n2020-01-01,1\n2020-01-02,\n2020-01-03,2\n', /prices\.csv:3: close is empty or NaN; .*fillMissing=ffill/],
    ['NaN cell', 'date,close\n2020-01-01,1\n2020-01-02,2\n2020-01-03,NaN\n', /prices\.csv:4: close is empty or NaN/],
    ['zero price', 'date,close\n2020-01-01,1\n2020-01-02,0\n', /prices\.csv:3: close is 0; prices must be positive/],
    ['negative price', 'date,close\n2020-01-01,-1\n2020-01-02,2\n', /prices\.csv:2: close is -1; prices must be positive/],
    ['duplicate date', 'date,close\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n', /prices\.csv:4: duplicate date 2020-01-02 \(first at line 3\)/],
    ['dates going back', 'date,close\n2020-01-02,1\n2020-01-01,2\n', /prices\.csv:3: date 2020-01-01 is not after the previous row's 2020-01-02/],
    ['unparseable date', 'date,close\n2020-01-01,1\nyesterday,2\n', /prices\.csv:3: date "yesterday" is not a date/],
    ['ragged row', 'date,close\n2020-01-01,1\n2020-01-02\n', /prices\.csv:3: has 1 fields, the header has 2/],
    ['too few rows', 'date,close\n2020-01-01,1\n', /only 1 data row/],
    ['empty file', '', /the file is empty/],
  ])('%s is a DataError naming file and line', (_name, text, message) => {
    expect(() => load(text)).toThrow(DataError);
    expect(() => load(text)).toThrow(message);
  });

  test('a missing file names the file', () => {
    expect(() => loadPriceSeries({ ...options, path: `${tmp.dir}/none.csv` })).toThrow(/none\.csv: cannot read the data file \(ENOENT\)/);
  });

  test('ffill fills forward and records what it filled; nothing is filled unless asked', () => {
    const s = load('date,close\n2020-01-01,1\n2020-01-02,\n2020-01-03,3\n', { fillMissing: 'ffill' });
    expect(Array.from(s.price)).toEqual([1, 1, 3]);
    expect(s.filled).toEqual(['close:3']);
    expect(() => load('date,close\n2020-01-01,\n2020-01-02,2\n', { fillMissing: 'ffill' })).toThrow(/:2: close is empty on the first data row/);
  });

  test('reads the bundled S&P 500 file', () => {
    const s = loadPriceSeries({ ...options, path: 'data/sp500-2000.csv' });
    expect(s.rows).toBe(5105);
    expect(s.dates?.[0]).toBe('2000-01-03');
    expect(s.dates?.at(-1)).toBe('2020-04-17');
    expect(s.sha256).toBe('9409e9342d0657c747324e4cfabce8a8c7f663bc485b95a3378f36b0a160f8c8');
  });
});
