import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readZip } from '../../src/store/zip-store.js';
import { runCli } from '../helpers/cli.js';
import { resultsFingerprint } from '../helpers/fingerprint.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { ar1Prices, toPanelCsv, weekdayDates } from '../helpers/synthetic.js';
import { killAtCheckpointAndResume } from '../helpers/kill-resume.js';
import { tempDir } from '../helpers/temp.js';

const ROWS = 800;
/** CCC's first bar: the first window (rows 0..499) lacks bars of it and leaves it out; the later ones (from row 100) trade it. */
const CCC_FROM = 50;

/** Three instruments in long format; CCC starts late. */
function panelCsv(path: string): void {
  const csv = toPanelCsv([
    { symbol: 'AAA', prices: ar1Prices(ROWS, 0.3, 0.01, 31) },
    { symbol: 'BBB', prices: ar1Prices(ROWS, -0.2, 0.012, 32) },
    { symbol: 'CCC', prices: ar1Prices(ROWS, 0.2, 0.008, 33), from: CCC_FROM },
  ]);
  writeFileSync(path, csv);
}

const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('one agent over a panel of instruments', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  let exp: ReturnType<typeof smallExperiment>;
  let reference: Record<string, unknown>;
  const args = (id: string, ...more: string[]) => walkforwardArgs(exp, id, '--quiet', '--no-charts', ...more);
  beforeAll(() => {
    const data = join(tmp.dir, 'panel.csv');
    panelCsv(data);
    exp = smallExperiment(tmp.dir, {
      data: { path: data, align: 'ffill' },
      training: { timesteps: 500, evalFreq: 250 },
      selection: { minScore: -1000 },
      saving: { nModelSaves: 30 },
    });
  });

  test('trades every instrument a window holds whole and reports the portfolio, each instrument and its contribution', async () => {
    const run = await runCli(args('panel', '--workers', '1'));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const root = join(exp.resultsDir, 'panel');
    reference = await resultsFingerprint(root);
    expect(read(join(root, 'config.json')).data.panel).toEqual(['AAA', 'BBB', 'CCC']);
    const records = [1, 2, 3].map((n) => read(join(root, 'checkpoints', `metrics_iter_${n}.json`)));
    expect(records.map((r) => r.outOfSample.panel.symbols)).toEqual([
      ['AAA', 'BBB'],
      ['AAA', 'BBB', 'CCC'],
      ['AAA', 'BBB', 'CCC'],
    ]);
    for (const r of records) {
      const { panel, returns, positions, rows } = r.outOfSample;
      const n = panel.symbols.length;
      expect(panel.weights).toEqual(panel.symbols.map(() => 1 / n));
      expect(panel.positions).toHaveLength(rows.length * n);
      // The portfolio earns the weighted sum of its instruments' returns after costs; its position is the net exposure.
      rows.forEach((_: number, i: number) => {
        let portfolio = -0;
        let exposure = -0;
        for (let k = 0; k < n; k++) {
          portfolio += panel.weights[k] * panel.returns[i * n + k];
          exposure += panel.weights[k] * panel.positions[i * n + k];
        }
        expect(returns[i]).toBe(portfolio);
        expect(positions[i]).toBe(exposure);
      });
      const total = returns.reduce((a: number, x: number) => a + x, 0);
      expect(panel.contributions.reduce((a: number, x: number) => a + x, 0)).toBeCloseTo(total, 12);
      expect(panel.metrics).toHaveLength(n);
      // The benchmark is the equal-weight universe's own return on each bar.
      r.outOfSample.marketReturns.forEach((m: number, i: number) => {
        const own = panel.marketReturns.slice(i * n, (i + 1) * n).reduce((a: number, x: number, k: number) => a + panel.weights[k] * x, -0);
        expect(m).toBe(own);
      });
    }
    const oosRows = readFileSync(join(root, 'oos_returns.csv'), 'utf8').trim().split('\n');
    const positionRows = readFileSync(join(root, 'oos_positions.csv'), 'utf8').trim().split('\n');
    expect(positionRows[0]).toBe('iteration,row,date,symbol,weight,position,return');
    // Each stitched bar has one row per instrument of its window.
    const stitched = oosRows.slice(1).map((line) => Number(line.split(',')[0]));
    expect(positionRows.length - 1).toBe(stitched.reduce((a, it) => a + records[it - 1].outOfSample.panel.symbols.length, 0));
    const summary = read(join(root, 'walkforward_summary.json'));
    expect(summary.panel.instruments.map((i: { symbol: string }) => i.symbol)).toEqual(['AAA', 'BBB', 'CCC']);
    expect(summary.luck.chance.changes).toBeGreaterThan(0);
    const metadata = JSON.parse((await readZip(join(root, 'checkpoints', 'model_iter_2.zip')))['metadata.json'].toString('utf8'));
    expect(metadata.observation.panel.symbols).toEqual(['AAA', 'BBB', 'CCC']);
    expect(metadata.observation.panel.standardizations).toHaveLength(3);
    expect(metadata.observation.panel.crossSection).toBe('demean');
    const evaluated = await runCli(['evaluate', '--experiment', 'panel', '--results-dir', exp.resultsDir, '--iteration', '2']);
    expect(evaluated.code).toBe(2);
    expect(evaluated.stderr).toMatch(/model_iter_2\.zip trades a panel of 3 instruments; evaluate runs one-instrument models/);
  }, 180_000);

  test("the production model trades the newest window's instruments, and wfo act gives each one its position for the next bar", async () => {
    const root = join(exp.resultsDir, 'panel');
    const card = read(join(root, 'production', 'model_card.json'));
    expect(card).toMatchObject({ status: 'model', instruments: ['AAA', 'BBB', 'CCC'], window: { validation: { end: ROWS } } });
    const actArgs = ['act', '--experiment', 'panel', '--results-dir', exp.resultsDir, '--json'];
    const answer = JSON.parse((await runCli(actArgs)).stdout);
    expect(answer.asOf.row).toBe(ROWS - 1);
    expect(answer.instruments.map((i: { symbol: string }) => i.symbol)).toEqual(['AAA', 'BBB', 'CCC']);
    for (const i of answer.instruments) {
      expect(i.position).toBe(answer.positions[i.action]);
      expect(i.scores.indexOf(Math.max(...i.scores))).toBe(i.action);
    }
    // The book the policy's own path holds, given as --held, is the same decision.
    const held = answer.instruments.map((i: { held: number }) => i.held).join(',');
    const again = JSON.parse((await runCli([...actArgs, '--held', held])).stdout);
    expect(again.instruments).toEqual(answer.instruments);
    const withoutC = join(tmp.dir, 'without-ccc.csv');
    writeFileSync(
      withoutC,
      readFileSync(join(tmp.dir, 'panel.csv'), 'utf8')
        .split('\n')
        .filter((l) => !l.includes(',CCC,'))
        .join('\n'),
    );
    const missing = await runCli([...actArgs, '--data', withoutC]);
    expect({ code: missing.code, stderr: missing.stderr.trim() }).toEqual({
      code: 2,
      stderr: `error: ${withoutC}: the production model trades CCC, which the data does not hold`,
    });
    const wrong = await runCli([...actArgs, '--held', '1,0']);
    expect({ code: wrong.code, stderr: wrong.stderr.trim() }).toEqual({
      code: 2,
      stderr: 'error: --held: 2 positions for 3 instruments; give one for all or one each',
    });
  });

  test('worker threads give the same results', async () => {
    const threads = await runCli(args('threads', '--workers', '2'));
    expect({ code: threads.code, stderr: threads.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await resultsFingerprint(join(exp.resultsDir, 'threads'))).toEqual(reference);
  }, 180_000);

  test('a SIGKILL in the middle of training resumes to the same results', async () => {
    const run = await killAtCheckpointAndResume(args('killed', '--workers', '1'), exp.resultsDir, 'killed');
    expect(run).toEqual({ signal: 'SIGKILL', exit: { code: 0, stderr: '' }, resumedIterations: [1], fingerprint: reference });
  }, 180_000);

  test('inverse-volatility weights for an instrument whose training rows do not move are refused before training', async () => {
    const data = join(tmp.dir, 'flat.csv');
    const moving = ar1Prices(ROWS, 0.3, 0.01, 41);
    const dates = weekdayDates(ROWS);
    // FLAT holds one price through the first window's training rows (0..299), then moves.
    const flat = (i: number) => (i < 300 ? 50 : 50 + (i % 7) * 0.1);
    const rows = ['date,symbol,close', ...dates.flatMap((d, i) => [`${d},AAA,${moving[i].toFixed(6)}`, `${d},FLAT,${flat(i).toFixed(6)}`])];
    writeFileSync(data, `${rows.join('\n')}\n`);
    const run = await runCli([...args('flat'), '--data', data, '--set', 'portfolio.weighting=inverseVol']);
    expect(run.code).toBe(2);
    const [header, ...problems] = run.stderr.trim().split('\n');
    expect(header).toBe('error: Invalid configuration:');
    expect(problems).toEqual([
      "  - portfolio.weighting: inverseVol cannot weigh FLAT: its 299 returns over the window's training rows [0, 300) do not vary (volatility 0); use portfolio.weighting=equal",
    ]);
  });

  test.each([
    [{ agent: { bufferSize: 2, batchSize: 1 } }, /^ {2}- agent\.bufferSize 2 cannot hold one date of window 2, which trades 3 instruments/],
    [{ env: { portfolioFeatures: true }, data: { symbol: 'AAA' } }, /^ {2}- env\.portfolioFeatures: true needs a panel run/],
    [
      { data: { symbols: ['BBB', 'CCC'] } },
      /^ {2}- env\.crossSection demean needs at least 2 instruments at a date \(each instrument is compared with the others\), and window 1 trades only BBB; set env\.crossSection=none/,
    ],
    [
      { env: { crossSection: 'zscore' } },
      /^ {2}- env\.crossSection zscore needs at least 3 instruments at a date \(the z-scores of two instruments are only their signs\), and window 1 trades only AAA, BBB; set env\.crossSection=demean or none/,
    ],
  ])('bad panel settings exit 2 with one line that names the setting: %j', async (overrides, message) => {
    const config = { ...exp.config, ...overrides, data: { ...exp.config.data, ...(overrides as { data?: object }).data } };
    if ('agent' in overrides) config.agent = { ...exp.config.agent, ...overrides.agent };
    const file = join(tmp.dir, 'bad.json');
    writeFileSync(file, JSON.stringify(config));
    const run = await runCli(['walkforward', '--experiment', 'bad', '--config', file, '--quiet', '--no-charts']);
    expect(run.code).toBe(2);
    const [header, ...problems] = run.stderr.trim().split('\n');
    expect(header).toBe('error: Invalid configuration:');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test('a panel experiment begun before the cross-section and the scaled gradient steps is not resumed on them unless told to', async () => {
    const root = join(exp.resultsDir, 'panel');
    const record = read(join(root, 'config.json'));
    delete record.config.env.crossSection;
    delete record.config.agent.panelGradientSteps;
    writeFileSync(join(root, 'config.json'), JSON.stringify(record, null, 2));
    const refused = await runCli(args('panel', '--workers', '1'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^ {2}- agent\.panelGradientSteps: "same" -> "sqrt"\n {2}- env\.crossSection: "none" -> "demean"$/m);
    const earlier = ['--set', 'env.crossSection=none', '--set', 'agent.panelGradientSteps=same'];
    const resumed = await runCli(args('panel', '--workers', '1', ...earlier));
    expect({ code: resumed.code, stderr: resumed.stderr }).toEqual({ code: 0, stderr: '' });
  }, 180_000);
});
