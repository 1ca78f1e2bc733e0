import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSynthetic, type ResolvedParams } from '../../src/data/synthetic/index.js';
import { syntheticPanelSidecarSchema, type SyntheticPanelSidecar } from '../../src/markets/synthetic-panel-file.js';
import { deriveSeed } from '../../src/random/rng.js';
import { runCli } from '../helpers/cli.js';
import { barMeans, holdReturns, loadSymbol as load, oracleReturns, sharpe, totalReturn } from '../helpers/synth-oracle.js';
import { tempDir } from '../helpers/temp.js';

/**
 * `wfo synth --symbols N`: a long-format OHLCV panel whose every close is the one-series generator's for that symbol's
 * seed and parameters, with each symbol's oracle and the equal-weight panel of them in the sidecar.
 */
const BARS = 400;
const SYMBOLS = 7;
const readSidecar = (out: string): SyntheticPanelSidecar => syntheticPanelSidecarSchema.parse(JSON.parse(readFileSync(`${out}.json`, 'utf8')));
const names = Array.from({ length: SYMBOLS }, (_, i) => `S0${i + 1}`);

/** Each kind's signal parameter and its default: the panel scales it by 1, 0.875, 0.75, 0.625, 0.5 in turn. */
const signal = { ar1: ['phi', 0.2], regime: ['phi', 0.3], ou: ['theta', 10] } as const;

/** The one-series flags that give a symbol's process, from the parameters its sidecar records. */
function processFlags(p: ResolvedParams): string[] {
  const flags = Object.entries(p).filter(([k]) => k !== 'kind');
  return flags.flatMap(([k, v]) => [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(v)]);
}

describe('wfo synth --symbols', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const synth = (out: string, ...flags: string[]) =>
    runCli(['synth', '--bars', String(BARS), '--seed', '11', '--cost-bps', '5', ...flags, '--out', out]);

  test.each(['ar1', 'regime', 'ou'] as const)(
    '--kind %s: every symbol loads with the close of the one-series generator for its seed and parameters, and the sidecar oracle Sharpes follow from the file',
    async (kind) => {
      const out = join(tmp.dir, `${kind}.csv`);
      const r = await synth(out, '--kind', kind, '--symbols', String(SYMBOLS));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const sidecar = readSidecar(out);
      expect(sidecar.generator).toMatchObject({ kind, symbols: SYMBOLS, bars: BARS, seed: 11 });
      expect(sidecar.symbols.map((s) => s.symbol)).toEqual(names);

      const text = readFileSync(out, 'utf8').trimEnd().split('\n');
      expect(text[0]).toBe(`date,symbol,open,high,low,close,volume${kind === 'regime' ? ',regime' : ''}`);
      expect(text).toHaveLength(1 + BARS * SYMBOLS);
      const keys = text.slice(1).map((line) => line.split(',').slice(0, 2).join(','));
      expect(keys).toEqual([...keys].sort());
      expect(new Set(keys).size).toBe(keys.length);

      const [key, base] = signal[kind];
      const panelReturns: number[][] = [];
      const panelHolds: number[][] = [];
      for (const [i, entry] of sidecar.symbols.entries()) {
        const index = i + 1;
        // The documented rules: a seed derived from --seed and the index, the signal parameter scaled in a cycle of 5.
        expect(entry.seed).toBe(deriveSeed(11, 'synth-symbol', index));
        expect(entry.ohlcvSeed).toBe(deriveSeed(entry.seed, 'ohlcv'));
        expect((entry.params as unknown as Record<string, number>)[key]).toBe(base * [1, 0.875, 0.75, 0.625, 0.5][(index - 1) % 5]);

        const loaded = await load(out, entry.symbol);
        expect(loaded.rows).toBe(BARS);
        const direct = generateSynthetic(entry.params, { bars: BARS, seed: entry.seed });
        expect(loaded.price).toEqual(direct.price);
        if (kind === 'regime') expect(loaded.columns.regime).toEqual(Float64Array.from(direct.regime!));

        const { open, high, low, volume } = loaded.columns;
        for (let t = 0; t < BARS; t++) {
          expect(high[t]).toBeGreaterThanOrEqual(Math.max(open[t], loaded.price[t]));
          expect(low[t]).toBeLessThanOrEqual(Math.min(open[t], loaded.price[t]));
          expect(Number.isInteger(volume[t]) && volume[t] >= 1).toBe(true);
        }
        expect(open[0]).toBe(loaded.price[0]);

        const returns = oracleReturns(loaded.price, loaded.columns.regime, entry.params, 5e-4);
        expect(entry.oracle.sharpe).toBeCloseTo(sharpe(returns), 9);
        panelReturns.push(returns);
        panelHolds.push(holdReturns(loaded.price, 5e-4));
      }
      const panel = barMeans(panelReturns);
      expect(sidecar.oracle.panel.bars).toBe(BARS - 2);
      expect(sidecar.oracle.panel.sharpe).toBeCloseTo(sharpe(panel), 9);
      expect(sidecar.oracle.panel.totalReturn).toBeCloseTo(totalReturn(panel), 9);
      // No common factor unless asked, and the equal-weight buy-and-hold beside the oracles.
      expect(sidecar.generator.factor.sigma).toBe(0);
      const hold = barMeans(panelHolds);
      expect(sidecar.buyAndHold.bars).toBe(BARS - 2);
      expect(sidecar.buyAndHold.sharpe).toBeCloseTo(sharpe(hold), 9);
      expect(sidecar.buyAndHold.totalReturn).toBeCloseTo(totalReturn(hold), 9);
      expect(r.stdout).toContain(`Equal-weight panel of the ${SYMBOLS} oracles: sharpe ${sharpe(panel).toFixed(3)}`);
      expect(r.stdout).toContain(`  S03 ${key}=${Number((base * 0.75).toPrecision(6))} `);
    },
  );

  test('a symbol of the panel is what the one-series synth writes for its seed and parameters, and loads through wfo windows', async () => {
    const out = join(tmp.dir, 'cross.csv');
    expect((await synth(out, '--kind', 'regime', '--symbols', '3', '--switch-prob', '0.05')).code).toBe(0);
    const s02 = readSidecar(out).symbols[1];
    const one = join(tmp.dir, 'one.csv');
    const r = await runCli([
      'synth',
      '--kind',
      'regime',
      '--bars',
      String(BARS),
      '--seed',
      String(s02.seed),
      ...processFlags(s02.params),
      '--out',
      one,
    ]);
    expect(r.code).toBe(0);
    const [fromPanel, alone] = [await load(out, 'S02'), await load(one, 'one')];
    expect(fromPanel.price).toEqual(alone.price);
    expect(fromPanel.columns.regime).toEqual(alone.columns.regime);

    const windows = await runCli([
      'windows',
      '--data',
      out,
      '--set',
      'data.symbol=S01',
      '--set',
      'windows.train=200',
      '--set',
      'windows.validation=50',
      '--set',
      'windows.test=50',
    ]);
    expect(windows.stderr).toBe('');
    expect(windows.code).toBe(0);
    expect(windows.stdout).toContain(`windows over ${BARS} rows of ${out}`);
  });

  test('the same flags give the same bytes; the first symbols and the first bars of a larger panel are the smaller panel', async () => {
    const at = (name: string) => join(tmp.dir, name);
    const flags = ['--kind', 'ou', '--theta', '6'];
    for (const [name, symbols, bars] of [
      ['a.csv', '6', '300'],
      ['b.csv', '6', '300'],
      ['wide.csv', '12', '300'],
      ['long.csv', '6', '600'],
    ]) {
      const r = await runCli(['synth', ...flags, '--symbols', symbols, '--bars', bars, '--seed', '5', '--out', at(name)]);
      expect(r.code).toBe(0);
    }
    expect(readFileSync(at('b.csv')).equals(readFileSync(at('a.csv')))).toBe(true);
    expect(readFileSync(at('b.csv.json'), 'utf8')).toBe(readFileSync(at('a.csv.json'), 'utf8').replace('"a.csv"', '"b.csv"'));
    const lines = (name: string) => readFileSync(at(name), 'utf8').trimEnd().split('\n');
    const a = lines('a.csv');
    // Processes do not depend on --symbols: S01..S06 of twelve are the six.
    expect(lines('wide.csv').filter((l) => !/,S(0[7-9]|1\d),/.test(l))).toEqual(a);
    // Row t of open, high, low and volume uses nothing after t: 300 bars are the first 300 of 600.
    expect(lines('long.csv').slice(0, a.length)).toEqual(a);
    const other = await runCli(['synth', ...flags, '--symbols', '6', '--bars', '300', '--seed', '6', '--out', at('c.csv')]);
    expect(other.code).toBe(0);
    expect(readFileSync(at('c.csv')).equals(readFileSync(at('a.csv')))).toBe(false);
  });

  test.each([
    ['0', /--symbols "0": use a whole number of symbols from 1 to 500/],
    ['501', /--symbols "501": use a whole number of symbols from 1 to 500/],
    ['2.5', /--symbols "2\.5": use a whole number of symbols from 1 to 500/],
    ['many', /--symbols "many": use a whole number of symbols from 1 to 500/],
  ])('--symbols %s exits 2 naming the flag and what is allowed, and writes nothing', async (value, message) => {
    const folder = join(tmp.dir, `bad-${value}`);
    mkdirSync(folder);
    const r = await runCli(['synth', '--kind', 'ar1', '--symbols', value, '--out', join(folder, 'x.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(folder)).toEqual([]);
  });

  test('a panel of more than 2,500,000 rows is refused naming --symbols, --bars and the most bars that fit', async () => {
    const out = join(tmp.dir, 'huge.csv');
    const r = await runCli(['synth', '--kind', 'ar1', '--symbols', '500', '--bars', '5001', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--symbols 500 with --bars 5001: 2500500 rows; a panel holds at most 2500000 (--bars <= 5000 for 500 symbols)');
    expect(existsSync(out)).toBe(false);
  });
});
