import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { computeMetrics } from '../../src/analysis/metrics.js';
import { configSchema } from '../../src/config/schema.js';
import { readScalars } from '../../src/logging/tensorboard/index.js';
import { iterationRecordSchema, walkforwardSummarySchema, type IterationRecord } from '../../src/records/index.js';
import { experimentChartJobs, experimentChartNames, panelChartNames } from '../../src/report/chart-jobs.js';
import { HEATMAP_MAX_COLUMNS } from '../../src/report/panel-charts.js';
import { runCli } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { plotsFingerprint } from '../helpers/fingerprint.js';
import { ar1Prices, toPanelCsv } from '../helpers/synthetic.js';
import { tempDir } from '../helpers/temp.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ROWS = 800;
const SYMBOLS = ['AAA', 'BBB', 'CCC'];

/** Three instruments in long format; CCC starts late, so the first window trades two of them. */
function panelCsv(path: string): void {
  const prices = SYMBOLS.map((_, k) => ar1Prices(ROWS, [0.3, -0.2, 0.2][k], [0.01, 0.012, 0.008][k], 41 + k));
  writeFileSync(path, toPanelCsv(SYMBOLS.map((symbol, k) => ({ symbol, prices: prices[k], from: symbol === 'CCC' ? 150 : 0 }))));
}

/** Each instrument over the stitched out-of-sample bars, computed here from the records (a bar an earlier test segment covered is skipped). */
function stitchedByHand(records: IterationRecord[]) {
  const out = new Map<string, { at: number[]; weighted: number[]; returns: number[]; positions: number[] }>();
  const portfolio: number[] = [];
  let covered = -1;
  for (const r of records) {
    const { rows, panel } = r.outOfSample;
    if (!panel) throw new Error(`iteration ${r.iteration} has no panel`);
    const n = panel.symbols.length;
    rows.forEach((row, i) => {
      if (row <= covered) return;
      let bar = 0;
      panel.symbols.forEach((symbol, k) => {
        const s = out.get(symbol) ?? out.set(symbol, { at: [], weighted: [], returns: [], positions: [] }).get(symbol)!;
        s.at.push(portfolio.length);
        s.weighted.push(panel.weights[k] * panel.returns[i * n + k]);
        s.returns.push(panel.returns[i * n + k]);
        s.positions.push(panel.positions[i * n + k]);
        bar += panel.weights[k] * panel.returns[i * n + k];
      });
      portfolio.push(bar);
    });
    covered = Math.max(covered, ...rows);
  }
  return { instruments: out, portfolio };
}

describe('the report of a panel run', () => {
  const tmp = tempDir();
  let browser: Browser;
  let exp: ReturnType<typeof smallExperiment>;
  let root: string;
  let records: IterationRecord[];
  afterAll(async () => {
    await browser?.close();
    tmp.cleanup();
  });

  beforeAll(async () => {
    const data = join(tmp.dir, 'panel.csv');
    panelCsv(data);
    exp = smallExperiment(tmp.dir, {
      data: { path: data, align: 'ffill' },
      training: { timesteps: 500, evalFreq: 250 },
      selection: { minScore: -1000 },
    });
    const run = await runCli(walkforwardArgs(exp, 'panel', '--quiet', '--workers', '1'));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    root = join(exp.resultsDir, 'panel');
    const checkpoints = readdirSync(join(root, 'checkpoints')).filter((f) => /^(metrics|no_model)_iter_\d+\.json$/.test(f));
    records = checkpoints
      .map((f) => iterationRecordSchema.parse(JSON.parse(readFileSync(join(root, 'checkpoints', f), 'utf8'))))
      .sort((a, b) => a.iteration - b.iteration);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 240_000);

  test('the plots: the portfolio against its universe’s equal-weight buy-and-hold, the contributions, the positions heat map', () => {
    const files = readdirSync(join(root, 'visualizations'));
    for (const name of [...experimentChartNames, ...panelChartNames]) {
      expect(files).toContain(name);
      const bytes = readFileSync(join(root, 'visualizations', name));
      expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(bytes.length).toBeGreaterThan(5000);
    }
    const config = configSchema.parse(JSON.parse(readFileSync(join(root, 'config.json'), 'utf8')).config);
    const jobs = new Map(experimentChartJobs(records, config, null).map((j) => [j.file, j.spec as unknown as { data?: { values: object[] } }]));
    const equity = jobs.get('equity.png') as unknown as { layer: Array<{ data: { values: Array<{ series: string }> } }> };
    expect(new Set(equity.layer[1].data.values.map((v) => v.series))).toEqual(new Set(['portfolio', 'equal-weight buy-and-hold of the universe']));
    const heat = jobs.get('panel_positions.png')?.data?.values as Array<{ symbol: string; start: number; position: number }>;
    expect(new Set(heat.map((c) => c.symbol))).toEqual(new Set(SYMBOLS));
    // One cell per run of `perColumn` stitched bars and instrument traded in it, holding its mean position there.
    const { instruments, portfolio } = stitchedByHand(records);
    const perColumn = Math.ceil(portfolio.length / HEATMAP_MAX_COLUMNS);
    for (const [symbol, s] of instruments) {
      const columns = new Map<number, number[]>();
      s.at.forEach((at, j) =>
        (columns.get(Math.floor(at / perColumn)) ?? columns.set(Math.floor(at / perColumn), []).get(Math.floor(at / perColumn))!).push(
          s.positions[j],
        ),
      );
      const mine = heat.filter((c) => c.symbol === symbol);
      expect(mine.map((c) => c.position)).toEqual([...columns.values()].map((ps) => ps.reduce((a, p) => a + p, 0) / ps.length));
    }
  });

  test('report.html names the panel and shows each instrument’s bars, contribution, Sharpe, turnover and exposure as computed from the records', async () => {
    const summary = walkforwardSummarySchema.parse(JSON.parse(readFileSync(join(root, 'walkforward_summary.json'), 'utf8')));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${join(root, 'report.html')}`);
    await page.waitForLoadState('load');
    expect(await page.textContent('#panel')).toBe(`panel of 3 instruments: ${SYMBOLS.join(', ')}`);
    expect(await page.textContent('#panel-header')).toMatch(/^One agent trades a panel of 3 instruments \(AAA, BBB, CCC\), weighted equal;/);
    const images = await page.$$eval('img.chart', (imgs) =>
      imgs.map((i) => ({ name: i.getAttribute('data-chart'), ok: i.complete && i.naturalWidth > 0 })),
    );
    expect(images.filter((i) => !i.ok)).toEqual([]);
    expect(images.map((i) => i.name)).toEqual(expect.arrayContaining([...experimentChartNames, ...panelChartNames]));
    expect(images).toHaveLength(experimentChartNames.length + panelChartNames.length + summary.iterations.length);
    const perColumn = Math.ceil(summary.stitched.bars / HEATMAP_MAX_COLUMNS);
    expect(await page.textContent('#positions-caption')).toMatch(
      perColumn > 1 ? `all 3 instruments; each cell the mean position over ${perColumn} consecutive bars;` : 'all 3 instruments; one cell per bar;',
    );

    const { instruments, portfolio } = stitchedByHand(records);
    const rows = await page.$$eval('#instrument-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(rows.map((r) => r[0])).toEqual(SYMBOLS);
    const { data } = configSchema.parse(JSON.parse(readFileSync(join(root, 'config.json'), 'utf8')).config);
    const options = { periodsPerYear: data.periodsPerYear, riskFreeRate: data.riskFreeRate };
    let total = 0;
    for (const [symbol, bars, contribution, sharpe, turnover, exposure] of rows) {
      const s = instruments.get(symbol as string)!;
      const sum = s.weighted.reduce((a, x) => a + x, 0);
      total += sum;
      let moved = 0;
      s.positions.forEach((p, j) => (moved += Math.abs(p - (j === 0 ? 0 : s.positions[j - 1]))));
      expect(Number(bars)).toBe(s.positions.length);
      expect(contribution).toBe(`${(sum * 100).toFixed(2)}%`);
      expect(turnover).toBe((moved / s.positions.length).toFixed(3));
      expect(exposure).toBe(`${((s.positions.filter((p) => p !== 0).length / s.positions.length) * 100).toFixed(1)}%`);
      const own = computeMetrics(s.returns, s.positions, options).sharpe;
      expect(sharpe).toBe(own === null ? 'n/a' : own.toFixed(3));
    }
    // CCC is out of the first window: it trades fewer bars than the others.
    expect(Number(rows[2][1])).toBeLessThan(Number(rows[0][1]));
    // The contributions add up to the portfolio's summed returns, which are the stitched returns of the page's cards.
    expect(total).toBeCloseTo(
      portfolio.reduce((a, x) => a + x, 0),
      12,
    );
    expect(portfolio).toHaveLength(summary.stitched.bars);
    await page.close();
  });

  test('TensorBoard’s experiment curves are the portfolio’s: its equity and each iteration’s test Sharpe', async () => {
    const scalars = await readScalars(join(root, 'tensorboard', 'experiment'));
    const equity = scalars.filter((p) => p.tag === 'oos/equity').map((p) => p.value);
    const { portfolio } = stitchedByHand(records);
    expect(equity).toHaveLength(portfolio.length);
    expect(equity.at(-1)).toBeCloseTo(
      portfolio.reduce((w, r) => w * (1 + r), 1),
      6,
    );
    const sharpe = scalars.filter((p) => p.tag === 'test/sharpe');
    expect(sharpe.map((p) => p.step)).toEqual(records.filter((r) => r.metrics.test.sharpe !== null).map((r) => r.iteration));
  });

  test('wfo report redraws the panel’s plots identical to the ones the run drew', async () => {
    const drawn = plotsFingerprint(root);
    rmSync(join(root, 'visualizations'), { recursive: true });
    const r = await runCli(['report', '--experiment', 'panel', '--results-dir', exp.resultsDir]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(plotsFingerprint(root)).toEqual(drawn);
  }, 120_000);
});
