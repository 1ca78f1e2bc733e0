import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSynthetic } from '../../src/data/synthetic/index.js';
import { syntheticPanelSidecarSchema, type SyntheticPanelSidecar } from '../../src/markets/synthetic-panel-file.js';
import { deriveSeed, Rng } from '../../src/random/rng.js';
import { runCli } from '../helpers/cli.js';
import { barMeans, holdReturns, loadSymbol, oracleReturns, sharpe, totalReturn } from '../helpers/synth-oracle.js';
import { tempDir } from '../helpers/temp.js';

/**
 * `wfo synth --symbols N --factor-sigma S --same-params`: issue 25's panel of instruments with the same process plus a
 * common market factor without signal. Each symbol's log return is the factor's plus its own process's, which the
 * oracle trades on; the factor is redrawn here from the seed the sidecar records.
 */
const BARS = 400;
const SYMBOLS = 4;
const COST = 2e-4;
const readSidecar = (out: string): SyntheticPanelSidecar => syntheticPanelSidecarSchema.parse(JSON.parse(readFileSync(`${out}.json`, 'utf8')));

/** The factor as documented: 0 at row 0, then sigma x a standard normal per row from Rng(seed). */
function factorOf(seed: number, sigma: number, bars: number): number[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: bars }, (_, t) => (t === 0 ? 0 : sigma * rng.normal()));
}

describe('wfo synth --symbols --factor-sigma', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const at = (name: string) => join(tmp.dir, name);
  const synth = (out: string, ...flags: string[]) =>
    runCli(['synth', '--bars', String(BARS), '--seed', '11', '--cost-bps', '2', '--symbols', String(SYMBOLS), ...flags, '--out', at(out)]);

  test('--factor-sigma 0 writes the same bytes as no factor at all', async () => {
    expect((await synth('plain.csv', '--kind', 'regime')).code).toBe(0);
    expect((await synth('zero.csv', '--kind', 'regime', '--factor-sigma', '0')).code).toBe(0);
    expect(readFileSync(at('zero.csv')).equals(readFileSync(at('plain.csv')))).toBe(true);
    expect(readFileSync(at('zero.csv.json'), 'utf8')).toBe(readFileSync(at('plain.csv.json'), 'utf8').replace('"plain.csv"', '"zero.csv"'));
  });

  test.each([
    ['ar1', ['--phi', '0.3']],
    ['regime', ['--switch-prob', '0.05']],
  ])('--kind %s: each close is the factor plus the one-series process for its seed, and the oracles trade the process', async (kind, flags) => {
    const r = await synth(`${kind}.csv`, '--kind', kind, ...flags, '--factor-sigma', '0.008');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sidecar = readSidecar(at(`${kind}.csv`));
    expect(sidecar.generator.factor).toMatchObject({ sigma: 0.008, seed: deriveSeed(11, 'synth-factor') });
    expect(sidecar.generator.sameParams).toBe(false);
    const factor = factorOf(sidecar.generator.factor.seed, 0.008, BARS);

    const oracles: number[][] = [];
    const holds: number[][] = [];
    for (const entry of sidecar.symbols) {
      const loaded = await loadSymbol(at(`${kind}.csv`), entry.symbol);
      const close = loaded.price;
      const alone = generateSynthetic(entry.params, { bars: BARS, seed: entry.seed });
      expect(close[0]).toBe(alone.price[0]);
      const own = Array.from(close, (c, t) => (t === 0 ? NaN : Math.log(c / close[t - 1]) - factor[t]));
      for (let t = 1; t < BARS; t++) expect(Math.abs(own[t] - Math.log(alone.price[t] / alone.price[t - 1]))).toBeLessThan(1e-12);
      if (kind === 'regime') expect(loaded.columns.regime).toEqual(Float64Array.from(alone.regime!));
      const { open, high, low } = loaded.columns;
      for (let t = 0; t < BARS; t++) {
        expect(high[t]).toBeGreaterThanOrEqual(Math.max(open[t], close[t]));
        expect(low[t]).toBeLessThanOrEqual(Math.min(open[t], close[t]));
      }
      const returns = oracleReturns(close, loaded.columns.regime, entry.params, COST, own);
      expect(entry.oracle.sharpe).toBeCloseTo(sharpe(returns), 9);
      oracles.push(returns);
      holds.push(holdReturns(close, COST));
    }
    const panel = barMeans(oracles);
    expect(sidecar.oracle.panel.sharpe).toBeCloseTo(sharpe(panel), 9);
    expect(sidecar.oracle.panel.totalReturn).toBeCloseTo(totalReturn(panel), 9);
    const hold = barMeans(holds);
    expect(sidecar.buyAndHold.sharpe).toBeCloseTo(sharpe(hold), 9);
    expect(sidecar.buyAndHold.totalReturn).toBeCloseTo(totalReturn(hold), 9);
    expect(r.stdout).toContain(`common factor sigma 0.008 per bar (seed ${sidecar.generator.factor.seed})`);
    expect(r.stdout).toContain(`Equal-weight buy-and-hold of the ${SYMBOLS} symbols: sharpe ${sharpe(hold).toFixed(3)}`);
  });

  test('the factor does not depend on --symbols: the first symbols of a larger panel are the smaller panel', async () => {
    expect((await synth('four.csv', '--kind', 'ar1', '--factor-sigma', '0.01')).code).toBe(0);
    const r = await runCli([
      'synth',
      '--kind',
      'ar1',
      '--bars',
      String(BARS),
      '--seed',
      '11',
      '--symbols',
      '6',
      '--factor-sigma',
      '0.01',
      '--out',
      at('six.csv'),
    ]);
    expect(r.code).toBe(0);
    const lines = (name: string) => readFileSync(at(name), 'utf8').trimEnd().split('\n');
    expect(lines('six.csv').filter((l) => !/,S0[56],/.test(l))).toEqual(lines('four.csv'));
  });

  test('--same-params gives every symbol the parameters as given; with --phi 0 a panel of random walks whose oracle never trades', async () => {
    expect((await synth('same.csv', '--kind', 'ar1', '--phi', '0.1', '--same-params', '--factor-sigma', '0.008')).code).toBe(0);
    const same = readSidecar(at('same.csv'));
    expect(same.generator.sameParams).toBe(true);
    expect(same.generator.paramRule).toBe('every symbol: the parameters as given');
    const first = same.symbols[0].params;
    expect(first).toMatchObject({ kind: 'ar1', phi: 0.1 });
    for (const entry of same.symbols) expect(entry.params).toEqual(first);

    const r = await synth('walks.csv', '--kind', 'ar1', '--phi', '0', '--same-params', '--factor-sigma', '0.008');
    expect(r.code).toBe(0);
    const walks = readSidecar(at('walks.csv'));
    for (const entry of walks.symbols) {
      expect(entry.params).toMatchObject({ kind: 'ar1', phi: 0 });
      expect(entry.oracle).toMatchObject({ sharpe: null, totalReturn: 0, turnover: 0 });
    }
    expect(walks.oracle.panel.sharpe).toBeNull();
    expect(r.stdout).toContain('Equal-weight panel of the 4 oracles: sharpe n/a (never trades)');
  });

  test.each([
    [['--kind', 'ar1', '--symbols', '3', '--factor-sigma', '-0.01'], /^error: --factor-sigma: got -0\.01; expected a number >= 0/],
    [
      ['--kind', 'ar1', '--symbols', '3', '--factor-sigma', 'abc'],
      /^error: --factor-sigma: got something that is not a number; expected a number >= 0/,
    ],
    [['--kind', 'ar1', '--factor-sigma', '0.01'], /^error: --factor-sigma needs --symbols N/],
    [['--kind', 'ar1', '--same-params'], /^error: --same-params needs --symbols N/],
    [
      ['--kind', 'ou', '--symbols', '3', '--factor-sigma', '0.01'],
      /^error: --factor-sigma 0\.01 with --kind ou: a common factor applies to --kind ar1 or regime/,
    ],
    [
      ['--kind', 'ar1', '--symbols', '2', '--bars', '800000', '--factor-sigma', '0.1'],
      /^error: --factor-sigma 0\.1 with --bars 800000: .*allowed: --factor-sigma <= /,
    ],
  ])('synth %j exits 2 with one line naming the flag, and writes nothing', async (flags, message) => {
    const folder = at(`bad-${flags.join('_')}`);
    mkdirSync(folder);
    const r = await runCli(['synth', ...flags, '--out', join(folder, 'x.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(readdirSync(folder)).toEqual([]);
  });
});
