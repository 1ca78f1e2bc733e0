import { loadPriceSeries } from '../../src/data/load-series.js';
import { coverageLines, windowCoverage } from '../../src/plan/window-coverage.js';
import { buildWindows } from '../../src/windows/build-windows.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/temp.js';

const DAYS = 60;
const day = (i: number) => new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
/** The days each instrument has a bar: A all but day 33, B from day 12 without day 25, C until day 30, D none of A's. */
const held: Record<string, (i: number) => boolean> = {
  A: (i) => i !== 33,
  B: (i) => i >= 12 && i !== 25,
  C: (i) => i <= 30,
};

function panel(dir: string): string {
  const rows = ['date,symbol,close'];
  for (let i = 0; i < DAYS; i++)
    for (const [symbol, has] of Object.entries(held)) if (has(i)) rows.push(`${day(i)},${symbol},${(100 + i + symbol.charCodeAt(0)).toFixed(2)}`);
  return writeFile(dir, 'gappy.csv', `${rows.join('\n')}\n`);
}

const spec = { mode: 'rolling' as const, train: 20, validation: 5, test: 5, step: 10, gap: 0, maxIterations: null, partialLast: 'drop' as const };

describe('windows leave out an instrument that lacks bars inside them (data.align ffill)', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('each window names the instruments it leaves out with the bars they miss, counted again from the rows written', async () => {
    const series = await loadPriceSeries({
      path: panel(tmp.dir),
      priceColumn: 'close',
      dateColumn: 'date',
      fillMissing: 'none',
      symbol: 'A',
      align: 'ffill',
    });
    // The calendar: every day from A's first; day 33, which A lacks, is one of B's.
    expect(series.dates).toEqual(Array.from({ length: DAYS }, (_, i) => day(i)));
    const windows = buildWindows(spec, series.rows, series.dates);
    const coverage = windowCoverage(series, windows);
    expect(coverage.length).toBeGreaterThanOrEqual(3);
    for (const [k, c] of coverage.entries()) {
      const span = Array.from({ length: windows[k].test.end - windows[k].train.start }, (_, j) => windows[k].train.start + j);
      const lacking = (symbol: string) => span.filter((i) => !held[symbol](i));
      const expected = ['B', 'C'].filter((s) => lacking(s).length).map((s) => ({ symbol: s, missing: lacking(s).length, first: day(lacking(s)[0]) }));
      expect(c.leftOut).toEqual(expected);
      expect(c.instruments).toEqual(['A', 'B', 'C'].filter((s) => s === 'A' || !lacking(s).length));
      expect(c.filled).toEqual(lacking('A').length ? { symbol: 'A', missing: lacking('A').length, first: day(33) } : null);
    }
    // The traded instrument's missing day carries its last earlier price, never a later one.
    expect(series.price[33]).toBe(series.price[32]);
    const lines = coverageLines(coverage);
    expect(lines).toContain(`window 1 leaves out B (13 of 30 bars missing, first ${day(0)}): it lacks bars inside it`);
  });

  test('intersect leaves nobody out (its calendar is the dates every instrument has), nor does a run of one instrument', async () => {
    const path = panel(tmp.dir);
    const intersect = await loadPriceSeries({ path, priceColumn: 'close', dateColumn: 'date', fillMissing: 'none', symbol: 'A' });
    expect(intersect.gaps).toEqual([]);
    const alone = await loadPriceSeries({ path, priceColumn: 'close', dateColumn: 'date', fillMissing: 'none', symbols: ['C'], align: 'ffill' });
    expect(alone.gaps).toEqual([]);
  });

  test('wfo windows says which window leaves which instrument out, and --json lists the instruments of each window', async () => {
    const path = panel(tmp.dir);
    const args = [
      'windows',
      '--data',
      path,
      '--set',
      'data.symbol=A',
      '--set',
      'data.align=ffill',
      '--set',
      'windows.train=20',
      '--set',
      'windows.validation=5',
      '--set',
      'windows.test=5',
      '--set',
      'windows.step=10',
    ];
    const text = await runCli(args);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      `window 2 leaves out B (3 of 30 bars missing, first ${day(10)}), C (9 of 30 bars missing, first ${day(31)}): they lack bars inside it`,
    );
    expect(text.stdout).toMatch(
      /window 2: 1 bar of the traded A is missing \(first 2021-02-03\) and carries its last earlier value \(data\.align ffill\)/,
    );
    const json = JSON.parse((await runCli([...args, '--json'])).stdout);
    expect(json.data.symbols).toEqual(['A', 'B', 'C']);
    expect(json.coverage[0]).toMatchObject({ iteration: 1, instruments: ['A', 'C'], leftOut: [{ symbol: 'B', missing: 13 }] });
  });
});
