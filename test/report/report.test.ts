import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { walkforwardSummarySchema } from '../../src/records/index.js';
import { experimentChartNames } from '../../src/report/chart-jobs.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { finishedExperiment } from '../helpers/finished-experiment.js';
import { plotsFingerprint } from '../helpers/fingerprint.js';
import { tempDir } from '../helpers/temp.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('plots and the HTML report', () => {
  const tmp = tempDir();
  let browser: Browser;
  let root: string;
  let results: string;
  let configFile: string;
  afterAll(async () => {
    await browser?.close();
    tmp.cleanup();
  });

  beforeAll(async () => {
    const exp = await finishedExperiment(tmp.dir, 'managed', { charts: true });
    root = exp.paths.root;
    results = exp.resultsDir;
    configFile = exp.configFile;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  test('the run leaves PNG plots for the experiment and for every iteration, named to sort', () => {
    const files = readdirSync(join(root, 'visualizations'));
    for (const name of [...experimentChartNames, 'iter_001.png', 'iter_004.png']) {
      expect(files).toContain(name);
      const bytes = readFileSync(join(root, 'visualizations', name));
      expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(bytes.length).toBeGreaterThan(5000);
    }
    expect(files.filter((f) => /^iter_\d{3}_step_\d{7}\.png$/.test(f)).length).toBeGreaterThan(0);
  });

  test('report.html works offline in Chromium: every chart renders and the tables show the experiment’s numbers', async () => {
    const summary = walkforwardSummarySchema.parse(JSON.parse(readFileSync(join(root, 'walkforward_summary.json'), 'utf8')));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!/^(file|data):/.test(r.url())) outside.push(r.url());
    });
    await page.goto(`file://${join(root, 'report.html')}`);
    await page.waitForLoadState('load');
    const images = await page.$$eval('img.chart', (imgs) =>
      imgs.map((i) => ({ name: i.getAttribute('data-chart'), ok: i.complete && i.naturalWidth > 0 })),
    );
    expect(images.length).toBe(experimentChartNames.length + summary.iterations.length);
    expect(images.filter((i) => !i.ok)).toEqual([]);
    expect(await page.textContent('#oos-sharpe')).toBe((summary.stitched.strategy.sharpe as number).toFixed(3));
    expect(await page.textContent('#qualified')).toBe(`${summary.qualified} of ${summary.iterations.length}`);
    const testSharpe = await page.$$eval('#iterations tbody tr .test-sharpe', (cells) => cells.map((c) => c.textContent));
    expect(testSharpe).toEqual(summary.iterations.map((it) => (it.test.sharpe === null ? 'n/a' : it.test.sharpe.toFixed(3))));
    expect(await page.$$eval('#checkpoints tbody tr', (rows) => rows.length)).toBe(summary.iterations.length);
    // "Did it learn?": the verdict in words, every statistic, one row per iteration.
    expect(await page.getAttribute('#verdict', 'data-verdict')).toBe(summary.luck.verdict);
    expect(await page.textContent('#verdict')).toMatch(new RegExp(`^${summary.luck.verdict}\\. .*the probabilistic Sharpe ratio against 0 is`, 'i'));
    const luckRows = await page.$$eval('#luck tbody tr', (rows) =>
      rows.map((r) => [r.querySelector('th')?.textContent, r.querySelector('td')?.textContent]),
    );
    const psr = summary.luck.psr.vsZero.psr;
    expect(Object.fromEntries(luckRows)['probabilistic Sharpe ratio vs 0']).toBe(psr === null ? 'n/a' : psr.toFixed(3));
    // The ledger's row first, the out-of-sample statistics of the verdict, then the validation search's diagnostics.
    expect(luckRows.map(([name]) => name)).toEqual([
      summary.luck.trials?.count === 1
        ? 'configurations tried on these bars'
        : `deflated Sharpe ratio over ${summary.luck.trials?.count} configurations tried`,
      'probabilistic Sharpe ratio vs 0',
      'probabilistic Sharpe ratio vs buy-and-hold',
      'Newey-West t (one-sided p-value)',
      'percentile among random policies',
      'deflated Sharpe ratio on validation (validation search)',
      'probability of backtest overfitting (validation search)',
      'untrained network vs kept models',
    ]);
    expect(await page.$$eval('#luck-iterations tbody tr', (rows) => rows.length)).toBe(summary.iterations.length);
    expect(outside).toEqual([]);
    mkdirSync(join(repoRoot, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-output', 'report.png'), fullPage: true });
    await page.screenshot({ path: join(repoRoot, 'test-output', 'report-top.png') });
    await page.close();
  });

  test('wfo report redraws every plot, training snapshots included, identical to the ones drawn during the run', async () => {
    const drawn = plotsFingerprint(root);
    expect(Object.keys(drawn).filter((f) => /_step_/.test(f)).length).toBeGreaterThan(4);
    rmSync(join(root, 'visualizations'), { recursive: true });
    rmSync(join(root, 'report.html'));
    const r = await runCli(['report', '--experiment', 'managed', '--results-dir', results]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/report: .*report\.html/);
    expect(existsSync(join(root, 'report.html'))).toBe(true);
    expect(plotsFingerprint(root)).toEqual(drawn);
  });

  test('running the experiment again draws the plots a stopped run left undrawn', async () => {
    const drawn = plotsFingerprint(root);
    const lost = Object.keys(drawn).filter((f) => f.startsWith('iter_002') || f === 'equity.png');
    for (const f of lost) rmSync(join(root, 'visualizations', f));
    const r = await runCli(['walkforward', '--experiment', 'managed', '--results-dir', results, '--config', configFile, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(plotsFingerprint(root)).toEqual(drawn);
  });
});
