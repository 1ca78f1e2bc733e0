import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { walkforwardSummarySchema, type WalkforwardSummary } from '../../src/records/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/**
 * The trial ledger through the command line: every finished run appends a line at the results folder's root; runs on
 * the same data and test bars are trials of one search, and the verdict counts them.
 */
describe('the trial ledger counts what the researcher tried', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const results = () => join(tmp.dir, 'results');
  const ledger = (name = 'default') => join(results(), '_ledgers', `${name}.jsonl`);
  const lines = (name = 'default') =>
    readFileSync(ledger(name), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l));
  const summary = (id: string): WalkforwardSummary =>
    walkforwardSummarySchema.parse(JSON.parse(readFileSync(join(results(), id, 'walkforward_summary.json'), 'utf8')));
  const walkforward = async (id: string, ...more: string[]) => {
    const r = await runCli([
      'walkforward',
      '--experiment',
      id,
      '--preset',
      'quick',
      '--results-dir',
      results(),
      '--no-charts',
      '--quiet',
      '--workers',
      '1',
      ...more,
    ]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    return r;
  };

  test('a second configuration on the same bars deflates the verdict; other bars and another ledger are other searches', async () => {
    const first = await walkforward('first', '--seed', '1');
    expect(first.stdout).toContain('trial ledger default (../_ledgers/default.jsonl): the only configuration tried on these data and test bars');
    expect(summary('first').luck.trials).toMatchObject({ ledger: 'default', file: '../_ledgers/default.jsonl', count: 1, dsr: null });
    expect(summary('first').luck.checks?.map((c) => c.name)).toEqual(['psr', 'neweyWestPValue', 'chancePercentile']);

    await walkforward('second', '--seed', '2');
    const second = summary('second').luck;
    expect(second.trials).toMatchObject({ count: 2, runs: 2 });
    expect(second.sentence).toMatch(
      /^Indistinguishable from chance: you have tried 2 configurations on these bars; luck alone would give the best an annualized Sharpe ratio of \d+\.\d\d; the deflated Sharpe ratio over those trials /,
    );
    expect(second.checks?.[0]).toMatchObject({ name: 'trialsDsr', value: second.trials?.dsr, threshold: 0.95 });

    // The first run, analysed now, is judged with both trials; its summary keeps what it counted then.
    const analyzed = await runCli(['analyze', '--experiment', 'first', '--results-dir', results(), '--json']);
    const now = JSON.parse(analyzed.stdout).outOfSample;
    expect(now.luck.trials).toMatchObject({ count: 2 });
    expect(now.trialsCountedThen).toBe(1);
    expect(now.luck.sentence).toContain('you have tried 2 configurations on these bars');
    const text = await runCli(['analyze', '--experiment', 'first', '--results-dir', results()]);
    expect(text.stdout).toContain(
      '  trials: 2 configurations on these data and test bars in ledger default (../_ledgers/default.jsonl; 1 when this run finished)',
    );

    // Other test bars: another search. Another ledger, on purpose: a fresh count, and the summary names it.
    await walkforward('shorter-tests', '--seed', '3', '--set', 'windows.test=50');
    expect(summary('shorter-tests').luck.trials).toMatchObject({ ledger: 'default', count: 1 });
    await walkforward('new-question', '--seed', '4', '--ledger', 'fresh-start');
    expect(summary('new-question').luck.trials).toMatchObject({ ledger: 'fresh-start', file: '../_ledgers/fresh-start.jsonl', count: 1 });
    expect(lines().map((l) => l.experiment)).toEqual(['first', 'second', 'shorter-tests']);
    expect(lines('fresh-start').map((l) => l.experiment)).toEqual(['new-question']);

    const listed = JSON.parse((await runCli(['ledger', '--results-dir', results(), '--json'])).stdout);
    expect(listed.searches.map((s: { configurations: number; testBars: number }) => [s.configurations, s.testBars])).toEqual([
      [1, 150],
      [2, 300],
    ]);
    expect(listed.others).toEqual(['fresh-start']);
    const table = (await runCli(['ledger', '--results-dir', results(), '--trials'])).stdout;
    expect(table).toMatch(/data\/sp500-2000\.csv\s+\w{12}\s+300 in 3\s+2002-05-28\.\.2003-08-04\s+2\s+2\s+first/);
  }, 120_000);

  test('the ledger survives --fresh, cleanup and the removal of an experiment folder', async () => {
    const before = lines();
    await walkforward('first', '--seed', '1', '--fresh');
    expect(lines().slice(0, before.length)).toEqual(before);
    expect(lines()).toHaveLength(before.length + 1);
    // Run again, the same configuration counts once, with its latest result.
    expect(summary('first').luck.trials).toMatchObject({ count: 2, runs: 3 });

    const cleanup = await runCli(['cleanup', '--experiment', 'first', '--results-dir', results(), '--keep-last', '1']);
    expect(cleanup.code).toBe(0);
    rmSync(join(results(), 'second'), { recursive: true });
    expect(lines()).toHaveLength(before.length + 1);
    // The removed experiment's trial still counts: it was tried on these bars.
    await walkforward('third', '--seed', '5');
    expect(summary('third').luck.trials).toMatchObject({ count: 3 });
  }, 120_000);

  test('a ledger file that is not ours stops the run before it trains, and stays as it was', async () => {
    const other = join(tmp.dir, 'other-results');
    mkdirSync(join(other, '_ledgers'), { recursive: true });
    writeFileSync(
      join(other, '_ledgers', '.wfo-owner.json'),
      JSON.stringify({ formatVersion: 1, product: 'wfo-rl', kind: 'ledger', id: '_ledgers', createdAt: 'x' }),
    );
    writeFileSync(join(other, '_ledgers', 'default.jsonl'), 'a,b,c\n1,2,3\n');
    const r = await runCli([
      'walkforward',
      '--experiment',
      'x',
      '--preset',
      'quick',
      '--results-dir',
      other,
      '--no-charts',
      '--quiet',
      '--workers',
      '1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`refusing to use ${join(other, '_ledgers', 'default.jsonl')} as a trial ledger: its first line is not the header`);
    expect(readFileSync(join(other, '_ledgers', 'default.jsonl'), 'utf8')).toBe('a,b,c\n1,2,3\n');
    expect(existsSync(join(other, 'x'))).toBe(false);
    // A sweep is refused as a whole, before it makes its study folder.
    writeFileSync(join(tmp.dir, 'sweep.yaml'), 'study: s\ngrid:\n  seed: [1, 2]\n');
    const sweep = await runCli(['sweep', '--config', join(tmp.dir, 'sweep.yaml'), '--results-dir', other, '--quiet', '--no-charts']);
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toContain(`refusing to use ${join(other, '_ledgers', 'default.jsonl')} as a trial ledger`);
    expect(existsSync(join(other, 's'))).toBe(false);
    // A ledger's name cannot leave the ledgers folder.
    const named = await runCli(['walkforward', '--experiment', 'y', '--preset', 'quick', '--results-dir', other, '--ledger', '../up', '--quiet']);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/ledger\.name.*1 to 100 letters, digits/);
    const listed = await runCli(['ledger', '--results-dir', other, '--ledger', 'a/b']);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain(`--ledger "a/b": a ledger's name is 1 to 100 letters`);
  }, 60_000);
});
