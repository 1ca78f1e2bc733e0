import { runCli } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/temp.js';

describe('wfo windows', () => {
  test('--json prints the plan for the bundled data', async () => {
    const r = await runCli(['windows', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.data).toMatchObject({ file: 'data/sp500-2000.csv', rows: 5105 });
    expect(plan.windows).toHaveLength(15);
    expect(plan.windows[0]).toMatchObject({
      iteration: 1,
      train: { start: 0, end: 1000, startDate: '2000-01-03' },
      validation: { start: 1000, end: 1250 },
      test: { start: 1250, end: 1500 },
    });
    const tests = plan.windows.map((w: { test: { start: number; end: number } }) => w.test);
    for (let i = 1; i < tests.length; i++) expect(tests[i].start).toBe(tests[i - 1].end);
  });

  test('a table by default, following --set', async () => {
    const r = await runCli(['windows', '--set', 'windows.mode=anchored', '--set', 'windows.maxIterations=2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 windows over 5105 rows');
    expect(r.stdout).toMatch(/2\s+\[0, 1250\) 2000-01-03\.\.2004-12-22/);
  });

  test.each([
    ['a bad setting', ['--set', 'windows.train=-1'], /windows\.train: got -1/],
    ['an unknown flag', ['--trian', '5'], /Unknown argument: trian/],
    ['a missing data file', ['--data', 'nope.csv'], /nope\.csv: cannot read the data file/],
    ['data too short for one window', ['--set', 'windows.train=6000'], /has 5105 rows but one walk-forward window needs 6500/],
  ])('%s exits 2 with a message and no stack trace', async (_name, args, message) => {
    const r = await runCli(['windows', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('several symbols without data.symbol plan a panel of them all; data.symbol runs that one', async () => {
    const tmp = tempDir();
    try {
      const rows = ['date,symbol,close'];
      for (let i = 0; i < 700; i++) {
        const date = new Date(Date.UTC(2001, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
        rows.push(`${date},AAA,${100 + (i % 10)}`, `${date},BBB,${50 + (i % 7)}`);
      }
      const file = writeFile(tmp.dir, 'panel.csv', `${rows.join('\n')}\n`);
      const small = ['--set', 'windows.train=400', '--set', 'windows.validation=100', '--set', 'windows.test=100'];
      const panel = await runCli(['windows', '--data', file, ...small]);
      expect(panel.stderr).toBe('');
      expect(panel.code).toBe(0);
      expect(panel.stdout).toContain(`2 windows over 700 rows of ${file} (panel of 2 instruments)`);
      const json = JSON.parse((await runCli(['windows', '--data', file, ...small, '--json'])).stdout);
      expect(json.data).toMatchObject({ file, rows: 700, symbol: null, symbols: ['AAA', 'BBB'] });
      expect(json.coverage.map((c: { instruments: string[] }) => c.instruments)).toEqual([
        ['AAA', 'BBB'],
        ['AAA', 'BBB'],
      ]);
      const one = await runCli([
        'windows',
        '--data',
        file,
        '--set',
        'data.symbol=BBB',
        '--set',
        'windows.train=400',
        '--set',
        'windows.validation=100',
        '--set',
        'windows.test=100',
        '--json',
      ]);
      expect(one.code).toBe(0);
      expect(JSON.parse(one.stdout).data).toMatchObject({ file, rows: 700, symbol: 'BBB' });
    } finally {
      tmp.cleanup();
    }
  });

  test('--help describes the command and every configuration flag', async () => {
    const r = await runCli(['windows', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--json', '--config', '--preset', '--data', '--price-column', '--seed', '--results-dir', '--backend', '--set']) {
      expect(r.stdout).toContain(flag);
    }
  });
});
