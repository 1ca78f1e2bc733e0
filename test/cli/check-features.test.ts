import { runCli } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/temp.js';

describe('wfo check-features', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('the default features pass the gate at seeded cuts inside training, validation and test segments', async () => {
    const r = await runCli(['check-features', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ data: { file: 'data/sp500-2000.csv', symbol: 'sp500-2000' }, features: ['returns'], verdict: 'passed' });
    expect(out.cuts.length).toBeGreaterThanOrEqual(6);
    expect(out.cuts.every((d: string) => /^\d{4}-\d\d-\d\d$/.test(d))).toBe(true);
    const again = await runCli(['check-features', '--json']);
    expect(JSON.parse(again.stdout).cuts).toEqual(out.cuts);
  });

  test('a feature that reads the future is refused before anything trains: exit 2, one line naming it, the date and both values', async () => {
    const config = writeFile(
      tmp.dir,
      'leak.yaml',
      ['features:', '  - name: returns', '  - name: peek', '    sql: lead(close, 1) OVER w / close - 1', ''].join('\n'),
    );
    const r = await runCli(['check-features', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: data\/sp500-2000\.csv: feature peek uses the future: on \d{4}-\d\d-\d\d of sp500-2000 it is [-\d.e]+ computed on all the data but NaN on the data cut at \d{4}-\d\d-\d\d; a feature on a date may use bars up to that date only\n$/,
    );
  });
});
