import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runResumeEventSchema } from '../../src/records/index.js';
import { layout } from '../../src/store/layout.js';
import { runCli } from '../helpers/cli.js';
import { resultsFingerprint } from '../helpers/fingerprint.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { ar1Prices, toCsv, toPanelCsv, weekdayDates } from '../helpers/synthetic.js';
import { tempDir } from '../helpers/temp.js';

/** 350 rows lay two windows of 200 + 50 + 50 rows (step 50); 50 rows more lay a third. */
const ROWS = 350;
const MORE = 50;
const overrides = {
  windows: { train: 200, validation: 50, test: 50, maxIterations: null },
  training: { timesteps: 400, evalFreq: 200 },
  agent: { layers: [16], learningStarts: 100, targetUpdateInterval: 200, bufferSize: 2000, batchSize: 32, explorationFraction: 0.3 },
  selection: { minScore: -1000 },
};
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** Every file iteration n wrote (its record and, when one was kept, its preserved model), by name, as bytes. */
function iterationFiles(root: string, n: number): Record<string, Buffer> {
  const files = [layout.preservedModel(n), layout.metrics(n), layout.placeholder(n)].filter((f) => existsSync(join(root, f)));
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(root, f))]));
}

describe('re-running an experiment after rows were appended to its data', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('one instrument: the study gains one iteration and the earlier ones stay byte-identical; a changed or shortened file is refused', async () => {
    const exp = smallExperiment(tmp.dir, overrides);
    const prices = ar1Prices(ROWS + MORE, 0.4, 0.01, 21);
    const dates = weekdayDates(ROWS + MORE);
    writeFileSync(exp.data, toCsv(prices.slice(0, ROWS), dates.slice(0, ROWS)));
    const args = (...more: string[]) => walkforwardArgs(exp, 'grow', '--workers', '1', '--no-charts', ...more);
    const root = join(exp.resultsDir, 'grow');
    expect((await runCli(args('--quiet'))).code).toBe(0);
    const before = [1, 2].map((n) => iterationFiles(root, n));
    expect(Object.keys(before[0]).length).toBeGreaterThan(0);
    const sha256Before = read(join(root, 'config.json')).data.sha256;
    const cardBefore = read(join(root, layout.production.card));
    expect(cardBefore.data.lastDate).toBe(dates[ROWS - 1]);

    const grown = toCsv(prices, dates);
    writeFileSync(exp.data, grown);
    const run = await runCli(args());
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      `data file ${exp.data}: rows were appended (${ROWS} -> ${ROWS + MORE} rows, the new last bar ${dates[ROWS + MORE - 1]}); 1 new window, the 2 earlier ones are kept`,
    );
    expect([1, 2].map((n) => iterationFiles(root, n))).toEqual(before);
    expect(Object.keys(iterationFiles(root, 3)).length).toBeGreaterThan(0);
    const config = read(join(root, 'config.json'));
    expect(config.data.rows).toBe(ROWS + MORE);
    expect(config.data.sha256).not.toBe(sha256Before);
    expect(config.resumes.at(-1)).toMatchObject({ forced: false, changes: [], finishedIterations: [1, 2] });
    expect(config.resumes.at(-1).dataAppended).toEqual({ rowsBefore: ROWS, rowsAfter: ROWS + MORE, sha256Before });
    const resumed = readFileSync(join(root, 'run.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.event === 'run-resume');
    expect(runResumeEventSchema.parse(resumed.at(-1)).dataAppended).toEqual(config.resumes.at(-1).dataAppended);
    const summary = read(join(root, 'walkforward_summary.json'));
    expect(summary.dataSha256).toBe(config.data.sha256);
    // The production model moves to the new last bar: trained again on the newest window of the grown file.
    const card = read(join(root, layout.production.card));
    expect(card.data).toMatchObject({ rows: ROWS + MORE, lastDate: dates[ROWS + MORE - 1], sha256: config.data.sha256 });
    expect(card.window.validation).toMatchObject({ start: ROWS + MORE - 50, end: ROWS + MORE, endDate: dates[ROWS + MORE - 1] });
    expect(card.evidence.iterations).toBe(3);
    expect(run.stdout).toMatch(/production model: training on train \S+, validation \S+, ending at the last bar/);
    // The extended study is the one a run on the grown file from the start computes.
    expect((await runCli(walkforwardArgs(exp, 'whole', '--workers', '1', '--no-charts', '--quiet'))).code).toBe(0);
    expect(await resultsFingerprint(root)).toEqual(await resultsFingerprint(join(exp.resultsDir, 'whole')));

    // One old price changed: refused as any changed data file, naming the file and where the first change lies.
    const changed = prices.slice();
    changed[100] *= 1.01;
    writeFileSync(exp.data, toCsv(changed, dates));
    const refused = await runCli(args('--quiet'));
    expect(refused.code).toBe(2);
    const line = refused.stderr.split('\n').find((l) => l.includes(`data file ${exp.data}:`)) ?? '';
    const m = /rows it had changed, the first change between (\S+) \(row (\d+)\) and (\S+) \(row (\d+)\) \(sha256 /.exec(line);
    expect(m).not.toBeNull();
    const [, fromDate, fromRow, toDate, toRow] = m!;
    expect(Number(fromRow)).toBeLessThanOrEqual(101);
    expect(Number(toRow)).toBeGreaterThanOrEqual(101);
    expect([fromDate, toDate]).toEqual([dates[Number(fromRow) - 1], dates[Number(toRow) - 1]]);

    // Rows removed from the end: a change too.
    writeFileSync(exp.data, toCsv(prices.slice(0, ROWS + MORE - 10), dates.slice(0, ROWS + MORE - 10)));
    const shrunk = await runCli(args('--quiet'));
    expect(shrunk.code).toBe(2);
    expect(shrunk.stderr).toContain(`data file ${exp.data}: ${ROWS + MORE - 10} rows, fewer than the ${ROWS + MORE} it had (sha256 `);

    // Nothing of the refused runs touched the experiment.
    writeFileSync(exp.data, grown);
    expect([1, 2].map((n) => iterationFiles(root, n))).toEqual(before);
    expect(read(join(root, 'config.json'))).toEqual(config);
  });

  test('with windows.maxIterations reached, appended rows add no window and change nothing of the study', async () => {
    const dir = join(tmp.dir, 'capped');
    mkdirSync(dir);
    const exp = smallExperiment(dir, { ...overrides, windows: { ...overrides.windows, maxIterations: 2 } });
    const prices = ar1Prices(ROWS + MORE, 0.4, 0.01, 24);
    const dates = weekdayDates(ROWS + MORE);
    writeFileSync(exp.data, toCsv(prices.slice(0, ROWS), dates.slice(0, ROWS)));
    const args = (...more: string[]) => walkforwardArgs(exp, 'capped', '--workers', '1', '--no-charts', ...more);
    const root = join(exp.resultsDir, 'capped');
    expect((await runCli(args('--quiet'))).code).toBe(0);
    const before = [1, 2].map((n) => iterationFiles(root, n));
    writeFileSync(exp.data, toCsv(prices, dates));
    const run = await runCli(args());
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain(
      `rows were appended (${ROWS} -> ${ROWS + MORE} rows, the new last bar ${dates.at(-1)}); 0 new windows, the 2 earlier ones are kept`,
    );
    expect([1, 2].map((n) => iterationFiles(root, n))).toEqual(before);
    expect(iterationFiles(root, 3)).toEqual({});

    // Other bytes, the same values: nothing to redo, and a line says why the file is accepted.
    writeFileSync(exp.data, toCsv(prices, dates).replace(/\n(\S+),(\S+)/g, '\n$1,$20'));
    const same = await runCli(args());
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/data file \S+ changed \(sha256 \w+\.\.\. -> \w+\.\.\.\) but the rows this run loads from it did not/);
    expect([1, 2].map((n) => iterationFiles(root, n))).toEqual(before);
  });

  test('a partial last window that the new rows would lengthen is refused, naming its iteration', async () => {
    const dir = join(tmp.dir, 'partial');
    mkdirSync(dir);
    const exp = smallExperiment(dir, { ...overrides, windows: { ...overrides.windows, partialLast: 'keep' } });
    const prices = ar1Prices(ROWS + MORE, 0.4, 0.01, 22);
    const dates = weekdayDates(ROWS + MORE);
    // 330 rows: the second window's test segment holds 30 of its 50 rows.
    writeFileSync(exp.data, toCsv(prices.slice(0, 330), dates.slice(0, 330)));
    const args = () => walkforwardArgs(exp, 'partial', '--workers', '1', '--no-charts', '--quiet');
    expect((await runCli(args())).code).toBe(0);
    writeFileSync(exp.data, toCsv(prices, dates));
    const refused = await runCli(args());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `data file ${exp.data}: rows were appended, but iteration 2 was a partial window (windows.partialLast keep) whose test segment they lengthen`,
    );
  });

  test('an experiment whose config.json predates the record of its rows resumes on the same file and refuses a grown one', async () => {
    const dir = join(tmp.dir, 'legacy');
    mkdirSync(dir);
    const exp = smallExperiment(dir, overrides);
    const prices = ar1Prices(ROWS + MORE, 0.4, 0.01, 23);
    const dates = weekdayDates(ROWS + MORE);
    writeFileSync(exp.data, toCsv(prices.slice(0, ROWS), dates.slice(0, ROWS)));
    const args = () => walkforwardArgs(exp, 'legacy', '--workers', '1', '--no-charts', '--quiet');
    expect((await runCli(args())).code).toBe(0);
    const file = join(exp.resultsDir, 'legacy', 'config.json');
    const withoutContent = () => {
      const config = read(file);
      delete config.data.content;
      writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
    };
    withoutContent();
    expect((await runCli(args())).code).toBe(0);
    withoutContent();
    writeFileSync(exp.data, toCsv(prices, dates));
    const refused = await runCli(args());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `data file ${exp.data}: it changed, and this experiment was started before config.json recorded its rows, so appended rows cannot be recognised (sha256 `,
    );
  });

  test('a panel: rows appended for every instrument extend the study the same way', async () => {
    const dir = join(tmp.dir, 'panel');
    mkdirSync(dir);
    const series = [
      { symbol: 'AAA', prices: ar1Prices(ROWS + 2 * MORE, 0.3, 0.01, 31) },
      { symbol: 'BBB', prices: ar1Prices(ROWS + 2 * MORE, -0.2, 0.012, 32) },
    ];
    const data = join(dir, 'panel.csv');
    writeFileSync(data, toPanelCsv(series, ROWS));
    const exp = smallExperiment(dir, { ...overrides, data: { path: data } });
    const args = (...more: string[]) => walkforwardArgs(exp, 'panel', '--workers', '1', '--no-charts', ...more);
    const root = join(exp.resultsDir, 'panel');
    expect((await runCli(args('--quiet'))).code).toBe(0);
    const before = [1, 2].map((n) => iterationFiles(root, n));

    writeFileSync(data, toPanelCsv(series, ROWS + MORE));
    const run = await runCli(args());
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`rows were appended (${ROWS} -> ${ROWS + MORE} rows`);
    expect([1, 2].map((n) => iterationFiles(root, n))).toEqual(before);
    expect(Object.keys(iterationFiles(root, 3)).length).toBeGreaterThan(0);
    expect(read(join(root, 'config.json')).data).toMatchObject({ rows: ROWS + MORE, panel: ['AAA', 'BBB'] });

    // An instrument added to the file changes the panel: refused, naming it.
    writeFileSync(data, toPanelCsv([...series, { symbol: 'CCC', prices: ar1Prices(ROWS + 2 * MORE, 0.2, 0.01, 33) }], ROWS + 2 * MORE));
    const refused = await runCli(args('--quiet'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`data file ${data}: its columns changed (added CCC price) (sha256 `);
  });
});
