import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { oracleSharpe } from '../../src/markets/oracle.js';
import { syntheticSidecarSchema } from '../../src/markets/synthetic-file.js';
import { loadPriceSeries } from '../../src/data/load-series.js';
import { generateSynthetic } from '../../src/data/synthetic/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const load = (path: string) => loadPriceSeries({ path, priceColumn: 'close', dateColumn: 'date', fillMissing: 'none' });

describe('wfo synth', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test.each([
    ['ar1', ['--phi', '0.2']],
    ['regime', ['--phi', '0.3', '--switch-prob', '0.02']],
    ['ou', ['--theta', '8']],
  ])('--kind %s writes a CSV the loader reads, a sidecar, and prints the oracle Sharpe after costs', async (kind, flags) => {
    const out = join(tmp.dir, `${kind}.csv`);
    const r = await runCli(['synth', '--kind', kind, '--bars', '600', '--seed', '7', '--cost-bps', '5', ...flags, '--out', out]);
    expect(r.code).toBe(0);
    const loaded = await load(out);
    expect(loaded.rows).toBe(600);
    expect(loaded.dates![0]).toBe('2000-01-03');
    const sidecar = syntheticSidecarSchema.parse(JSON.parse(readFileSync(`${out}.json`, 'utf8')));
    expect(sidecar.generator).toMatchObject({ seed: 7, bars: 600, params: { kind } });
    expect(loaded.sha256).toBe(sidecar.csv.sha256);
    // The file holds exactly the library's series, and its oracle figures follow from the file alone.
    const direct = generateSynthetic(sidecar.generator.params, { bars: 600, seed: 7 });
    expect(loaded.price).toEqual(direct.price);
    const market = { price: loaded.price, regime: loaded.columns.regime ?? null };
    const again = oracleSharpe(market, sidecar.generator.params, { allowShort: true, costBps: 5, slippageBps: 0 });
    expect(sidecar.oracle.sharpe).toBe(again.sharpe);
    expect(sidecar.oracle.band).toBe(5e-4);
    expect(r.stdout).toContain(`Oracle after 5 bps per unit traded`);
    expect(r.stdout).toContain(`sharpe ${again.sharpe!.toFixed(3)}`);
    expect(r.stdout).toContain(`Sidecar: ${out}.json`);
  });

  test('the same seed gives the same bytes in any time zone; another seed does not', async () => {
    const path = (name: string) => join(tmp.dir, name);
    const runs = [
      ['a.csv', '3', 'America/Los_Angeles'],
      ['b.csv', '3', 'Pacific/Kiritimati'],
      ['c.csv', '4', 'UTC'],
    ];
    for (const [name, seed, tz] of runs) {
      const r = await runCli(['synth', '--kind', 'regime', '--bars', '300', '--seed', seed, '--start-date', '2021-12-30', '--out', path(name)], {
        env: { TZ: tz },
      });
      expect(r.code).toBe(0);
    }
    const a = readFileSync(path('a.csv'));
    expect(readFileSync(path('b.csv')).equals(a)).toBe(true);
    expect(readFileSync(path('c.csv')).equals(a)).toBe(false);
    expect(
      a
        .toString()
        .split('\n')
        .slice(1, 4)
        .map((l) => l.split(',')[0]),
    ).toEqual(['2021-12-30', '2021-12-31', '2022-01-03']);
  });

  test('a missing required flag exits 2 naming it, before the command runs', async () => {
    const r = await runCli(['synth', '--kind', 'ar1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Missing required argument: out/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test.each([
    ['|phi| >= 1', ['--kind', 'ar1', '--phi', '1'], /--phi: got 1; expected a number with \|phi\| < 1/],
    ['fewer than 10 bars', ['--kind', 'ou', '--bars', '5'], /--bars: got 5; expected a whole number from 10/],
    ['an unknown kind', ['--kind', 'garch'], /Argument: kind, Given: "garch", Choices: "ar1", "regime", "ou"/],
    ['a switch probability above 1', ['--kind', 'regime', '--switch-prob', '2'], /--switch-prob: got 2; expected a probability from 0 to 1/],
    ['a non-positive theta', ['--kind', 'ou', '--theta', '0'], /--theta: got 0; expected a number > 0/],
    ['a flag of another kind', ['--kind', 'ar1', '--theta', '5'], /--theta applies to --kind ou, not --kind ar1/],
    ['negative costs', ['--kind', 'ar1', '--cost-bps', '-1'], /--cost-bps: got -1; expected a number from 0 to 1000/],
    ['a date that does not exist', ['--kind', 'ar1', '--start-date', '2021-02-29'], /--start-date: got 2021-02-29; expected a calendar date/],
    [
      'an output folder that does not exist',
      ['--kind', 'ar1', '--out', '/nonexistent-folder/x.csv'],
      /--out \/nonexistent-folder\/x\.csv: the folder \/nonexistent-folder does not exist/,
    ],
  ])('%s exits 2 naming the flag, the value and what is allowed, and writes nothing', async (_name, args, message) => {
    const folder = join(tmp.dir, `bad-${_name.replace(/\W+/g, '-')}`);
    mkdirSync(folder);
    const out = args.includes('--out') ? [] : ['--out', join(folder, 'x.csv')];
    const r = await runCli(['synth', ...args, ...out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(folder)).toEqual([]);
    expect(existsSync('/nonexistent-folder')).toBe(false);
  });
});
