import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('wfo report --beside: another agent on the same data and windows', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  let exp: ReturnType<typeof smallExperiment>;
  const root = (id: string) => join(exp.resultsDir, id);
  const summary = (id: string) => JSON.parse(readFileSync(join(root(id), 'walkforward_summary.json'), 'utf8'));
  const report = (...more: string[]) => runCli(['report', '--experiment', 'dqn', '--results-dir', exp.resultsDir, ...more]);
  beforeAll(async () => {
    exp = smallExperiment(tmp.dir, { selection: { minScore: -1000 }, training: { timesteps: 600, evalFreq: 300 } });
    for (const [id, ...more] of [
      ['dqn'],
      ['ridge', '--set', 'agent.algorithm=linear'],
      ['shorter', '--set', 'agent.algorithm=linear', '--set', 'windows.test=80'],
    ]) {
      const run = await runCli(walkforwardArgs(exp, id, '--quiet', '--no-charts', ...more));
      expect({ id, code: run.code, stderr: run.stderr }).toEqual({ id, code: 0, stderr: '' });
    }
  }, 240_000);

  test('shows each experiment with its algorithm, stitched numbers and verdict, and draws their equity on one chart', async () => {
    const run = await report('--beside', 'ridge');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const html = readFileSync(join(root('dqn'), 'report.html'), 'utf8');
    const table = html.slice(html.indexOf('<table id="beside-table">'), html.indexOf('</table>', html.indexOf('<table id="beside-table">')));
    const row = (id: string) => table.match(new RegExp(`<tr data-experiment="${id}">(.*?)</tr>`))?.[1] ?? '';
    for (const [id, algorithm] of [
      ['dqn', 'dqn'],
      ['ridge', 'linear'],
    ]) {
      const { stitched, luck } = summary(id);
      const cells = [...row(id).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
      expect(cells).toEqual([
        id === 'dqn' ? 'dqn (this report)' : id,
        algorithm,
        stitched.strategy.sharpe.toFixed(3),
        `${(stitched.strategy.totalReturn * 100).toFixed(1)}%`,
        `${(stitched.strategy.maxDrawdown * 100).toFixed(1)}%`,
        luck.psr.vsZero.psr === null ? 'n/a' : luck.psr.vsZero.psr.toFixed(3),
        luck.verdict,
      ]);
    }
    expect(row('')).toContain(`<td class="l">buy-and-hold</td><td class="l"></td><td>${summary('dqn').stitched.buyAndHold.sharpe.toFixed(3)}</td>`);
    const png = readFileSync(join(root('dqn'), 'visualizations', 'beside_equity.png'));
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(html).toContain('data-chart="beside_equity.png"');
    // Without --beside the report is the experiment's own again.
    expect((await report()).code).toBe(0);
    expect(readFileSync(join(root('dqn'), 'report.html'), 'utf8')).not.toContain('id="beside"');
  }, 120_000);

  test.each([
    [
      'other windows',
      ['shorter'],
      /^error: --beside shorter: its window 1 test rows are \[400, 480\), not \[400, 500\); side by side needs the same data and windows as dqn$/,
    ],
    ['no such experiment', ['absent'], /^error: --beside absent: .*absent is not a finished experiment \(/],
    ['an id that leaves the results folder', ['../dqn'], /^error: --beside "\.\.\/dqn": use 1 to 200 letters/],
  ])('refuses %s with exit 2 and leaves the report as it was', async (_name, beside, message) => {
    const before = statSync(join(root('dqn'), 'report.html')).mtimeMs;
    const html = readFileSync(join(root('dqn'), 'report.html'), 'utf8');
    const run = await report('--beside', ...beside);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(message);
    expect([statSync(join(root('dqn'), 'report.html')).mtimeMs, readFileSync(join(root('dqn'), 'report.html'), 'utf8')]).toEqual([before, html]);
  });
});
