import { loadPriceSeries } from '../../src/data/load-series.js';
import { DataError } from '../../src/errors/index.js';
import { sha256 } from '../../src/util/hash.js';
import { tempDir, writeFile } from '../helpers/temp.js';
import { failure } from '../helpers/failure.js';

const options = { priceColumn: 'close', dateColumn: 'date', fillMissing: 'none' as 'none' | 'ffill' };

describe('loadPriceSeries', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const load = (text: string, extra: Partial<typeof options> = {}) => loadPriceSeries({ ...options, ...extra, path: writeFile(tmp.dir, 'prices.csv', text) });

  test('reads numeric columns into typed arrays, case-insensitively, with dates and the file hash', async () => {
    const s = await load('Date,Open,Close,Symbol\n2020-01-01,1,10,X\n2020-01-02,2,11,X\n2020-01-03,3,12,X\n');
    expect(s.rows).toBe(3);
    expect(s.price).toBeInstanceOf(Float64Array);
    expect(Array.from(s.price)).toEqual([10, 11, 12]);
    expect(Object.keys(s.columns).sort()).toEqual(['close', 'open']);
    expect(s.symbol).toBe('X');
    expect(s.dates).toEqual(['2020-01-01', '2020-01-02', '2020-01-03']);
    expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('another numeric column can be traded', async () => {
    expect(Array.from((await load('date,open,close\n2020-01-01,5,10\n2020-01-02,6,11\n', { priceColumn: 'OPEN' })).price)).toEqual([5, 6]);
  });

  test('dates are optional', async () => {
    expect((await load('close\n1\n2\n3\n')).dates).toBeNull();
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
    ['a row with a field too many', 'date,close\n2020-01-01,1\n2020-01-02,2,3\n', /prices\.csv:3: has 3 fields, the header has 2/],
    ['too few rows', 'date,close\n2020-01-01,1\n', /only 1 data row/],
    ['a header and no rows', 'date,close\n', /only 0 data row/],
    ['a hexadecimal price (Number() reads it; a price file does not hold one)', 'date,close\n2020-01-01,1\n2020-01-02,0x10\n', /prices\.csv:3: close is "0x10", which is not a number/],
    ['digit separators', 'date,close\n2020-01-01,1\n2020-01-02,1_000\n', /prices\.csv:3: close is "1_000", which is not a number/],
    ['an infinite price', 'date,close\n2020-01-01,1\n2020-01-02,1e400\n', /prices\.csv:3: close is "1e400", which is not a number/],
    ['a column named twice', 'date,close,close\n2020-01-01,1,2\n', /prices\.csv:1: the header names column "close" twice/],
    ['mixed line ends', 'date,close\r\n2020-01-01,1\n2020-01-02,2\r\n', /prices\.csv: mixes kinds of line end \(2 end in \\r\\n, 1 end in \\n\); save it with one kind/],
    ['empty file', '', /the file is empty/],
    ['only blank lines', '\n  \n\r\n', /the file is empty/],
    ['semicolon-separated', 'date;close\n2020-01-01;1\n2020-01-02;2\n', /prices\.csv:1: no "close" column; columns are: date;close\. The file seems to be separated by semicolons \(;\); it must be comma-separated/],
    ['tab-separated', 'date\tclose\n2020-01-01\t1\n2020-01-02\t2\n', /prices\.csv:1: no "close" column; columns are: date\\tclose\. The file seems to be separated by tabs/],
    ['a semicolon row under a comma header', 'date,close\n2020-01-01,1\n2020-01-02;2\n', /prices\.csv:3: has 1 fields, the header has 2\. The file seems to be separated by semicolons/],
    ['a line of blanks inside the data', 'date,close\n2020-01-01,1\n  \n2020-01-03,2\n', /prices\.csv:3: has 1 fields, the header has 2$/],
    ['an error after empty lines names its own line', 'date,close\n2020-01-01,1\n\n\n2020-01-04,x\n', /prices\.csv:5: close is "x", which is not a number/],
    ['a numeric column that starts empty', 'date,open,close\n2020-01-01,,1\n2020-01-02,5,2\n', /prices\.csv:2: open is empty or NaN/],
    ['a quoted price that is not a number', 'date,close\n2020-01-01,1\n2020-01-02,"1,5"\n', /prices\.csv:3: close is "1,5", which is not a number/],
  ])('%s is a DataError naming file and line', async (_name, text, message) => {
    const error = await failure(load(text));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(message);
  });

  // A file that mixes kinds of line end is refused (see above): DuckDB reads one kind per file.
  test.each([
    ['\\n', '\n'],
    ['\\r\\n (Windows)', '\r\n'],
    ['\\r (old Mac)', '\r'],
  ])('lines ended by %s read the same, with or without a byte order mark, a final line end and empty lines', async (_name, eol) => {
    const rows = ['date,close', '2020-01-01,1', '2020-01-02,2.5', '2020-01-03,3'];
    const text = rows.join(eol);
    for (const variant of [text, `${text}${eol}`, `\uFEFF${text}`, `${text}${eol}${eol}${eol}`, `${rows[0]}${eol}${eol}${rows.slice(1).join(eol)}`]) {
      const s = await load(variant);
      expect(s.rows).toBe(3);
      expect(Array.from(s.price)).toEqual([1, 2.5, 3]);
      expect(s.dates).toEqual(['2020-01-01', '2020-01-02', '2020-01-03']);
    }
  });

  test('the hash is of the file as written, byte order mark and line ends included', async () => {
    const text = '\uFEFFdate,close\r2020-01-01,1\r2020-01-02,2\r';
    expect((await load(text)).sha256).toBe(sha256(Buffer.from(text)));
  });

  test('rows longer than the read buffer and lines split across reads parse the same', async () => {
    const wide = 'x'.repeat(3 * 1024 * 1024);
    const s = await load(`date,note,close\r\n2020-01-01,${wide},1\r\n2020-01-02,${wide},2\r\n`);
    expect(Array.from(s.price)).toEqual([1, 2]);
  });

  test.each([
    ['a header of one 5 MB line', `date${'x'.repeat(5_000_000)}\n`, /prices\.csv:1: no "close" column; columns are: datex+… \(\d+ more characters\)/],
    ['a 5 MB cell that is not a number', `date,close\n2020-01-01,1\n2020-01-02,${'9'.repeat(20)}abc${'x'.repeat(5_000_000)}\n`, /prices\.csv:3: close is "9{20}abcx+… \(\d+ more characters\)", which is not a number/],
    ['a 5 MB date', `date,close\n2020-01-01,1\n${'y'.repeat(5_000_000)},2\n`, /prices\.csv:3: date "y+… \(\d+ more characters\)" is not a date/],
    ['a line past the 16 MiB limit', `date,close\n${'z'.repeat(17 * 1024 * 1024)}`, /prices\.csv:2: a line is longer than 16 MiB, so this is not a CSV of prices$/],
    ['a header past the 16 MiB limit', `${'h'.repeat(17 * 1024 * 1024)}\n`, /prices\.csv:1: a line is longer than 16 MiB, so this is not a CSV of prices; it starts "h+… \(\d+ more characters\)"$/],
  ])('%s gives a short message', async (_name, text, message) => {
    const error = await failure(load(text));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(message);
    expect(error.message.length).toBeLessThan(300);
  });

  test('a folder without data files is a DataError naming it', async () => {
    const empty = tempDir();
    try {
      await expect(loadPriceSeries({ ...options, path: empty.dir })).rejects.toThrow(/the folder holds no CSV or Parquet file/);
    } finally {
      empty.cleanup();
    }
  });

  test('a missing file names the file', async () => {
    await expect(loadPriceSeries({ ...options, path: `${tmp.dir}/none.csv` })).rejects.toThrow(/none\.csv: cannot read the data file \(ENOENT\)/);
  });

  test('ffill fills forward and records what it filled; nothing is filled unless asked', async () => {
    const s = await load('date,close\n2020-01-01,1\n2020-01-02,\n2020-01-03,3\n', { fillMissing: 'ffill' });
    expect(Array.from(s.price)).toEqual([1, 1, 3]);
    expect(s.filled).toEqual(['close:3']);
    await expect(load('date,close\n2020-01-01,\n2020-01-02,2\n', { fillMissing: 'ffill' })).rejects.toThrow(/:2: close is empty on the first data row/);
  });

  test('reads the bundled S&P 500 file', async () => {
    const s = await loadPriceSeries({ ...options, path: 'data/sp500-2000.csv' });
    expect(s.rows).toBe(5105);
    expect(s.dates?.[0]).toBe('2000-01-03');
    expect(s.dates?.at(-1)).toBe('2020-04-17');
    expect(s.sha256).toBe('9409e9342d0657c747324e4cfabce8a8c7f663bc485b95a3378f36b0a160f8c8');
  });
});
