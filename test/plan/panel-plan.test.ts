import { configSchema, type ConfigInput } from '../../src/config/schema.js';
import { loadPriceSeries } from '../../src/data/load-series.js';
import { DataError } from '../../src/errors/index.js';
import { configDisplay } from '../../src/cli/run-display.js';
import { computeFeatures } from '../../src/data/features.js';
import type { ComputeBuiltins } from '../../src/data/lookahead-gate.js';
import { gatePanelBuiltins } from '../../src/plan/panel-plan.js';
import { planExperiment } from '../../src/plan/plan.js';
import { coverageLines, windowCoverage } from '../../src/plan/window-coverage.js';
import { buildWindows } from '../../src/windows/build-windows.js';
import { runCli } from '../helpers/cli.js';
import { failure } from '../helpers/failure.js';
import { calendarOf, day, writePanel } from '../helpers/panel-fixture.js';
import { tempDir } from '../helpers/temp.js';

/** A lacks day 7; B starts on day 5 and lacks day 20; C ends on day 30. */
const HELD = { A: (i: number) => i !== 7, B: (i: number) => i >= 5 && i !== 20, C: (i: number) => i <= 30 };
const WINDOWS = { train: 27, validation: 5, test: 3, step: 5 };

const configOf = (input: ConfigInput) => configSchema.parse({ env: { lookback: 3 }, ...input });
/** The same settings as command-line flags. */
const flags = (settings: Record<string, string | number>) => Object.entries(settings).flatMap(([k, v]) => ['--set', `${k}=${v}`]);

describe('the plan of a panel run', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const p = writePanel(tmp.dir, 'panel.csv', 40, HELD);
  const calendar = calendarOf(p, 'ffill');
  /** The bars a symbol lacks on calendar rows [start, end). */
  const lacking = (symbol: string, start: number, end: number) => calendar.slice(start, end).filter((i) => !p.has(symbol, i));

  test('every instrument that lacks a bar in a window before its test segment is left out of it, the first instrument too, and nothing is filled', async () => {
    const series = await loadPriceSeries({ path: p.path, priceColumn: 'close', dateColumn: 'date', fillMissing: 'none', align: 'ffill' });
    const spec = { mode: 'rolling' as const, train: 10, validation: 3, test: 3, step: 4, gap: 0, maxIterations: null, partialLast: 'drop' as const };
    const windows = buildWindows(spec, series.rows, series.dates);
    const coverage = windowCoverage(series, windows);
    expect(coverage.length).toBeGreaterThanOrEqual(5);
    for (const [k, c] of coverage.entries()) {
      // What the test segment holds is not known when its model is chosen: an instrument that ends there is traded.
      const [start, end] = [windows[k].train.start, windows[k].test.start];
      const leftOut = p.symbols.filter((s) => lacking(s, start, end).length);
      expect(c.leftOut).toEqual(leftOut.map((s) => ({ symbol: s, missing: lacking(s, start, end).length, first: day(lacking(s, start, end)[0]) })));
      expect(c.instruments).toEqual(p.symbols.filter((s) => !leftOut.includes(s)));
      expect(c.filled).toBeNull();
    }
    // A, the first instrument, lacks day 7: the windows over it leave it out as any other.
    expect(coverage[0].leftOut.map((m) => m.symbol)).toContain('A');
    expect(coverageLines(coverage).some((l) => /traded/.test(l))).toBe(false);
  });

  test('a window with no instrument that has every bar is refused with a DataError naming it, the closest instrument and the fixes', async () => {
    const config = configOf({ data: { path: p.path, align: 'ffill' }, windows: WINDOWS });
    const error = await failure(planExperiment(config));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).exitCode).toBe(2);
    // Window 1 (rows 0..34) holds none before its test segment (row 32 on): A lacks day 7, B day 20, C days 31 on.
    const missing = p.symbols.map((s) => lacking(s, 0, 32).length);
    const closest = p.symbols[missing.indexOf(Math.min(...missing))];
    expect(error.message).toBe(
      `${p.path}: window 1 (${day(calendar[0])}..${day(calendar[34])}) has no instrument to trade: none of the 3 selected instruments has every bar in it ` +
        `(the closest, ${closest}, misses ${Math.min(...missing)} of 32); choose data.symbols that hold it whole, set data.align=intersect (only the dates every instrument has), or start the data later`,
    );
    const cli = await runCli(['windows', '--data', p.path, ...flags({ 'data.align': 'ffill', 'env.lookback': 3, ...prefixed(WINDOWS) })]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(error.message);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });

  test('an instrument whose features warm up over a window’s training bars is left out of that window, with the reason', async () => {
    const q = writePanel(tmp.dir, 'late.csv', 60, { A: () => true, D: (i) => i >= 10 });
    // D's feature needs 19 bars of it: from row 29, one bar before the end of window 2's training (rows 10..29).
    const late = { name: 'f', sql: "CASE WHEN symbol = 'D' THEN close / lag(close, 19) OVER w ELSE close / lag(close) OVER w END" };
    const config = configOf({
      data: { path: q.path, align: 'ffill' },
      features: [{ name: 'returns' }, late],
      windows: { train: 20, validation: 5, test: 5, step: 10 },
    });
    const plan = await planExperiment(config);
    // Window 3 (training rows 20..39) holds D, but A is ready from its start: D would hold A back 9 bars, so it waits.
    expect(plan.coverage.map((c) => c.instruments)).toEqual([['A'], ['A'], ['A'], ['A', 'D']]);
    expect(plan.coverage[0].leftOut).toEqual([{ symbol: 'D', missing: 10, first: day(0) }]);
    expect(plan.coverage[1].leftOut).toEqual([{ symbol: 'D', missing: 19, first: day(10), reason: 'warmup' }]);
    expect(plan.coverage[2].leftOut).toEqual([{ symbol: 'D', missing: 9, first: day(20), reason: 'warmup' }]);
    expect(coverageLines(plan.coverage)).toContain(
      `window 2 leaves out D (19 training bars from ${day(10)}): its features warm up over them, after the other instruments' are ready`,
    );
  });

  test('a first window in which every instrument is still warming up is the warm-up error of a run of one instrument', async () => {
    const slow = [{ name: 'returns' as const }, { name: 'f', sql: 'close / lag(close, 19) OVER w' }];
    const settings = { features: slow, windows: { train: 20, validation: 5, test: 5 } };
    const panel = await failure(planExperiment(configOf({ data: { path: p.path, align: 'ffill' }, ...settings })));
    // C has every day of its history, so its feature starts on row 19 of the panel and of its own run alike.
    const one = await failure(planExperiment(configOf({ data: { path: p.path, align: 'ffill', symbol: 'C' }, ...settings })));
    expect(panel).toBeInstanceOf(DataError);
    expect(panel.message).toBe(one.message);
    expect(panel.message).toMatch(/the first training segment has no bars after the 19-row warm-up of the features/);
  });

  test('the built-ins are gated on each instrument’s own history: a leak in a late starter is named with its own dates', async () => {
    const config = configOf({ data: { path: p.path, align: 'ffill' }, windows: { train: 12, validation: 4, test: 4 } });
    const series = (await loadPriceSeries({ ...config.data, gateCuts: () => [6, 12] })) as Parameters<typeof gatePanelBuiltins>[1];
    gatePanelBuiltins(config, series);
    const b = series.panel[1];
    // Scaled by the last price it is given, on B's history only: a whole-series statistic, which a cut changes.
    const leaky: ComputeBuiltins = (price, env, features) => {
      const fs = computeFeatures(price, env, features);
      return price[0] === b.price[b.firstRow] ? { ...fs, raw: fs.raw.map((v) => v * price[price.length - 1]) } : fs;
    };
    const error = await failure(Promise.resolve().then(() => gatePanelBuiltins(config, series, leaky)));
    expect(error).toBeInstanceOf(DataError);
    // B starts on row 5: its first value of logReturn_t-2 (own row 3) is row 8; the cut at row 12 is its own row 7.
    expect(error.message).toMatch(
      new RegExp(`^${p.path}: feature logReturn_t-2 uses the future: on ${day(8)} of B it is .* on the data cut at ${day(12)}`),
    );
  });

  test('wfo check-features gates every instrument of a panel and names the panel; the start display too', async () => {
    // Under ffill B starts on row 5 and C ends on row 30: each is gated on its own history.
    const settings = { 'data.align': 'ffill', 'windows.train': 12, 'windows.validation': 4, 'windows.test': 4 };
    const r = await runCli(['check-features', '--data', p.path, ...flags(settings)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Features returns of the panel of 3 instruments passed the look-ahead gate at \d+ cuts: /);
    const json = JSON.parse((await runCli(['check-features', '--data', p.path, ...flags(settings), '--json'])).stdout);
    expect(json.data).toEqual({ file: p.path, symbols: ['A', 'B', 'C'] });
    const config = configOf({ data: { path: p.path }, windows: { train: 12, validation: 4, test: 4 } });
    expect(configDisplay(config, await planExperiment(config))).toContain(`Data: ${p.path}, panel of 3 instruments, `);
  });
});

function prefixed(windows: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(windows).map(([k, v]) => [`windows.${k}`, v]));
}
