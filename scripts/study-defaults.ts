/**
 * The study that chose the learning defaults. It runs the built CLI (`npm run build` first) for each variant of the
 * settings on synthetic markets with a known best policy (AR(1), regime switch, Ornstein-Uhlenbeck; study seeds
 * from --seeds, 101-102 by default, never the seed the acceptance check uses) and on the bundled S&P data, and prints one markdown table.
 *
 * What it reads, so that no default is ever tuned on a test segment of real data:
 * - synthetic markets: the stitched out-of-sample Sharpe over the oracle's Sharpe (the process is known; its test
 *   segments are draws of the same process, not history), and the deflated Sharpe ratio;
 * - the S&P series: validation only, the mean validation score of the kept models and the share of iterations whose
 *   best candidate beats the untrained network on validation. Its test segments are not read.
 *
 *   npm run study -- [--variants name,name] [--jobs 2] [--markets ar1,regime,ou,sp500] [--seeds 101,102] [--per-seed] [--set key=value ...]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);

/** Each variant: settings over the defaults of this build. */
const variants: Record<string, string[]> = {
  defaults: [],
  'gamma-0.5': ['agent.gamma=0.5'],
  'gamma-0.9': ['agent.gamma=0.9'],
  'gamma-0.99': ['agent.gamma=0.99'],
  'lr-1e-4': ['agent.learningRate=0.0001'],
  'lr-3e-3': ['agent.learningRate=0.003'],
  'lr-3e-5': ['agent.learningRate=0.00003'],
  'lr-3e-4': ['agent.learningRate=0.0003'],
  'no-reward-scaling': ['agent.rewardScaling=none'],
  'net-128x128': ['agent.layers=[128,128]'],
  'lookback-30': ['env.lookback=30'],
  'steps-20k': ['training.timesteps=20000', 'training.evalFreq=2000'],
  'explore-0.3': ['agent.explorationFraction=0.3'],
  'seeds-3': ['training.seeds=3'],
  'seeds-3-vote': ['training.seeds=3', 'selection.ensemble=vote'],
  'seeds-5-vote': ['training.seeds=5', 'selection.ensemble=vote'],
  'net-16x16': ['agent.layers=[16,16]'],
  'net-64': ['agent.layers=[64]'],
  'batch-256': ['agent.batchSize=256'],
  'steps-5k': ['training.timesteps=5000', 'training.evalFreq=500'],
  'lr-1e-3': ['agent.learningRate=0.001'],
  'target-250': ['agent.targetUpdateInterval=250'],
  'select-last': ['selection.on=last'],
  'wd-0': ['agent.weightDecay=0'],
  'wd-0.3': ['agent.weightDecay=0.3'],
  'wd-3': ['agent.weightDecay=3'],
  anchored: ['windows.mode=anchored'],
  'eval-2k': ['training.evalFreq=2000'],
  'net-64x64': ['agent.layers=[64,64]'],
  // Issue 24: what five returns cannot show, the log price's distance from its 60-bar mean, and the 20-bar volatility.
  'distance-volatility': [
    `features=${JSON.stringify([
      { name: 'returns' },
      { name: 'volatility', window: 20 },
      { name: 'distance_from_mean', sql: 'ln(close) - avg(ln(close)) OVER (w ROWS 59 PRECEDING)' },
    ])}`,
  ],
  'before-this-study': [
    'env.lookback=30',
    'agent.layers=[128,128]',
    'agent.gamma=0.99',
    'agent.learningRate=0.0001',
    'agent.rewardScaling=none',
    'agent.weightDecay=0',
  ],
};

const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: Object.keys(variants).join(',') },
    markets: { type: 'string', default: 'ar1,regime,ou,sp500' },
    seeds: { type: 'string', default: '101,102' },
    jobs: { type: 'string', default: '2' },
    'per-seed': { type: 'boolean', default: false },
    /** Settings under every variant, e.g. agent.weightDecay=0 to re-run the studies that came before it. */
    set: { type: 'string', multiple: true, default: [] },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'wfo-study-'));
const seeds = values.seeds.split(',').map(Number);
const synthArgs: Record<string, string[]> = { ar1: ['--kind', 'ar1', '--phi', '0.2'], regime: ['--kind', 'regime'], ou: ['--kind', 'ou'] };

interface Cell {
  variant: string;
  market: string;
  seed: number;
  value: number | null;
  psr: number | null;
}

async function marketFile(market: string, seed: number): Promise<{ file: string; oracle: number | null }> {
  if (market === 'sp500') return { file: join(root, 'data/sp500-2000.csv'), oracle: null };
  const file = join(dir, `${market}-${seed}.csv`);
  if (!existsSync(file))
    await run(process.execPath, [cli, 'synth', ...synthArgs[market], '--bars', '4000', '--seed', String(seed), '--cost-bps', '10', '--out', file]);
  const sidecar = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { oracle: { sharpe: number | null } };
  return { file, oracle: sidecar.oracle.sharpe };
}

async function measure(variant: string, market: string, seed: number): Promise<Cell> {
  const { file, oracle } = await marketFile(market, seed);
  const id = `${variant}-${market}-${seed}`;
  const args = [
    cli,
    'walkforward',
    '--experiment',
    id,
    '--results-dir',
    dir,
    '--data',
    file,
    '--seed',
    String(seed),
    '--quiet',
    '--no-charts',
    '--workers',
    '1',
  ];
  for (const s of [...values.set, ...variants[variant]]) args.push('--set', s);
  await run(process.execPath, args, { cwd: root, maxBuffer: 1 << 26 });
  const summary = JSON.parse(readFileSync(join(dir, id, 'walkforward_summary.json'), 'utf8'));
  if (market === 'sp500') {
    const kept = summary.iterations.filter((i: { status: string }) => i.status === 'model').map((i: { selectionScore: number }) => i.selectionScore);
    const mean = kept.length ? kept.reduce((a: number, b: number) => a + b, 0) / kept.length : null;
    return { variant, market, seed, value: mean, psr: null };
  }
  const sharpe = summary.stitched.strategy.sharpe as number | null;
  return { variant, market, seed, value: sharpe !== null && oracle ? sharpe / oracle : null, psr: summary.luck.psr.vsZero.psr };
}

const tasks = values.variants
  .split(',')
  .flatMap((v) => values.markets.split(',').flatMap((m) => (m === 'sp500' ? [seeds[0]] : seeds).map((s) => () => measure(v, m, s))));
const cells: Cell[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: Number(values.jobs) }, async () => {
    while (next < tasks.length) cells.push(await tasks[next++]());
  }),
);

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
const mean = (xs: Array<number | null>) => {
  const d = xs.filter((x): x is number => x !== null);
  return d.length ? d.reduce((a, b) => a + b, 0) / d.length : null;
};
const markets = values.markets.split(',');
const header = ['variant', ...markets.map((m) => (m === 'sp500' ? 'S&P mean kept validation Sharpe' : `${m}: OOS Sharpe / oracle (PSR vs 0)`))];
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const v of values.variants.split(',')) {
  const row = markets.map((m) => {
    const mine = cells.filter((c) => c.variant === v && c.market === m);
    return m === 'sp500' ? fmt(mean(mine.map((c) => c.value))) : `${fmt(mean(mine.map((c) => c.value)))} (${fmt(mean(mine.map((c) => c.psr)))})`;
  });
  console.log(`| ${v} | ${row.join(' | ')} |`);
  if (values['per-seed'])
    for (const m of markets)
      console.log(
        `  ${m}: ${cells
          .filter((c) => c.variant === v && c.market === m)
          .sort((a, b) => a.seed - b.seed)
          .map((c) => fmt(c.value))
          .join(' / ')}`,
      );
}
console.log(`\n${tasks.length} runs; seeds ${seeds.join(', ')}; results in ${dir}`);
