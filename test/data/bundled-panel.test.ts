import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadPriceSeries } from '../../src/data/load-series.js';
import { runCli } from '../helpers/cli.js';

/**
 * The bundled panel, data/swx-2000-2007.csv, against what data/README.md says of it (sha256, symbols, dates, rows,
 * calendar, decimals), read once by hand and once through the pipeline's loader and the `wfo` command line.
 */
const FILE = 'data/swx-2000-2007.csv';

interface Recorded {
  sha256: string;
  symbols: string[];
  first: string;
  last: string;
  datesPerSymbol: number;
  rows: number;
}

/** The figures of the file's section in data/README.md (from the line naming the file to the next blank line and name). */
function recorded(): Recorded {
  const readme = readFileSync('data/README.md', 'utf8');
  const start = readme.indexOf('`swx-2000-2007.csv`:');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n\n`', start);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const match = (pattern: RegExp): string[] => {
    const m = pattern.exec(section);
    if (!m) throw new Error(`data/README.md: the section of ${FILE} has no match for ${pattern}`);
    return m;
  };
  const count = (text: string) => Number(text.replace(/,/g, ''));
  const [, first, last, perSymbol] = match(/daily, (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d) \(([\d,]+) weekdays each\)/);
  const order = match(/by symbol in the package's order: ([^.]+)\./)[1];
  return {
    sha256: match(/^- sha256: `([0-9a-f]{64})`$/m)[1],
    symbols: [...order.matchAll(/`([^`]+)`/g)].map((m) => m[1]),
    first,
    last,
    datesPerSymbol: count(perSymbol),
    rows: count(match(/^- Rows: ([\d,]+) /m)[1]),
  };
}

/** The file read by hand: each symbol's dates and the text of its closes, in the order of the file. */
function byHand(bytes: Buffer): { header: string; rows: number; order: string[]; series: Map<string, { dates: string[]; closes: string[] }> } {
  const lines = bytes.toString('utf8').split('\n');
  expect(lines.pop()).toBe('');
  const [header, ...data] = lines;
  const series = new Map<string, { dates: string[]; closes: string[] }>();
  for (const line of data) {
    const [date, symbol, close] = line.split(',');
    if (!series.has(symbol)) series.set(symbol, { dates: [], closes: [] });
    series.get(symbol)!.dates.push(date);
    series.get(symbol)!.closes.push(close);
  }
  return { header, rows: data.length, order: [...series.keys()], series };
}

/** Every Monday to Friday from `first` to `last`, both included. */
function weekdays(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

describe('the bundled panel data/swx-2000-2007.csv', () => {
  const bytes = readFileSync(FILE);
  const readme = recorded();
  const file = byHand(bytes);

  test('is the file data/README.md describes: its sha256, symbols, rows and calendar', () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(readme.sha256);
    expect(file.header).toBe('date,symbol,close');
    expect(file.order).toEqual(readme.symbols);
    expect(file.rows).toBe(readme.rows);
    expect(readme.rows).toBe(readme.symbols.length * readme.datesPerSymbol);
    const calendar = weekdays(readme.first, readme.last);
    expect(calendar).toHaveLength(readme.datesPerSymbol);
    for (const { dates, closes } of file.series.values()) {
      expect(dates).toEqual(calendar);
      // Each number is written as the shortest text of its double: the source's decimals, no rounding or padding.
      for (const close of closes) expect(String(Number(close))).toBe(close);
    }
  });

  test.each(recorded().symbols)('%s loads through the pipeline loader with the dates, prices and sha256 recorded', async (symbol) => {
    const s = await loadPriceSeries({ path: FILE, priceColumn: 'close', dateColumn: 'date', fillMissing: 'none', symbol });
    const own = file.series.get(symbol)!;
    expect(s.symbol).toBe(symbol);
    expect(s.rows).toBe(readme.datesPerSymbol);
    expect(s.dates?.[0]).toBe(readme.first);
    expect(s.dates?.at(-1)).toBe(readme.last);
    expect(s.dates).toEqual(own.dates);
    expect(Array.from(s.price)).toEqual(own.closes.map(Number));
    expect(s.sha256).toBe(readme.sha256);
    expect(s.filled).toEqual([]);
  });

  test('wfo windows plans one symbol of it, or the panel of all six when none is named', async () => {
    const one = await runCli(['windows', '--data', FILE, '--set', 'data.symbol=SPI', '--json']);
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    const plan = JSON.parse(one.stdout);
    expect(plan.data).toMatchObject({ file: FILE, rows: readme.datesPerSymbol, symbol: 'SPI' });
    expect(plan.windows.length).toBeGreaterThan(0);
    expect(plan.windows[0].train).toMatchObject({ start: 0, startDate: readme.first });
    const panel = await runCli(['windows', '--data', FILE, '--json']);
    expect(panel.code).toBe(0);
    const sorted = [...readme.symbols].sort();
    const all = JSON.parse(panel.stdout);
    // Every symbol has every weekday, so the panel calendar is that of one symbol and every window holds all six.
    expect(all.data).toMatchObject({ file: FILE, rows: readme.datesPerSymbol, symbol: null, symbols: sorted });
    expect(all.windows).toEqual(plan.windows);
    for (const c of all.coverage) expect(c).toMatchObject({ instruments: sorted, leftOut: [], filled: null });
    const text = await runCli(['windows', '--data', FILE]);
    expect(text.stdout).toContain(`rows of ${FILE} (panel of ${readme.symbols.length} instruments)`);
  });
});
