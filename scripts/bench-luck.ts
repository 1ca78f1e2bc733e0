/**
 * Luck and learning over many series: `wfo synth --kind ar1 --phi <phi>` (4,000 bars, 10 bps) for 10 seeds, the
 * default walk-forward on each. With phi 0 (a random walk, no signal): how often the summary says "indistinguishable
 * from chance". With phi > 0: how often the stitched out-of-sample Sharpe reaches half the oracle's and the verdict
 * says "distinguishable from chance". Seeds 1 to 10 are not the study's (101 and up), so no default was chosen on
 * them. Beside each run, the oracle traded on the same test bars and its PSR against 0: where the oracle itself
 * misses 0.95, no learner could pass. `npm run bench:trials` adds the search that the trial ledger deflates for.
 * Needs `npm run build` first.
 *
 *   npm run bench:luck -- [--phi 0.2] [--seeds 1,2,...] [--jobs 2]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { probabilisticSharpeRatio } from '../src/analysis/luck/index.js';
import { configSchema } from '../src/config/schema.js';
import { loadPriceSeries } from '../src/data/load-series.js';
import { oracleSharpe } from '../src/markets/oracle.js';
import { syntheticSidecarSchema } from '../src/markets/synthetic-file.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3,4,5,6,7,8,9,10' },
    jobs: { type: 'string', default: '2' },
    phi: { type: 'string', default: '0' },
  },
});
const phi = Number(values.phi);
if (!Number.isFinite(phi) || phi < 0 || phi >= 1) throw new Error(`--phi ${values.phi}: give a number from 0 up to (not including) 1`);
const name = phi === 0 ? 'walk' : `ar1-${phi}`;
const dir = mkdtempSync(join(tmpdir(), 'wfo-bench-luck-'));
const seeds = values.seeds.split(',').map(Number);

async function one(seed: number) {
  const id = `${name}-${seed}`;
  const file = join(dir, `${id}.csv`);
  await run(process.execPath, [
    cli,
    'synth',
    '--kind',
    'ar1',
    '--phi',
    String(phi),
    '--bars',
    '4000',
    '--seed',
    String(seed),
    '--cost-bps',
    '10',
    '--out',
    file,
  ]);
  await run(process.execPath, [cli, 'walkforward', '--experiment', id, '--results-dir', dir, '--data', file, '--quiet', '--no-charts'], {
    maxBuffer: 1 << 26,
  });
  const summary = JSON.parse(readFileSync(join(dir, id, 'walkforward_summary.json'), 'utf8'));
  const luck = summary.luck;
  const sidecar = syntheticSidecarSchema.parse(JSON.parse(readFileSync(`${file}.json`, 'utf8')));
  const sharpe = summary.stitched.strategy.sharpe as number | null;
  const there = phi === 0 ? null : await oracleOnTestBars(file, sidecar, join(dir, id));
  return {
    seed,
    ofOracle: sharpe !== null && sidecar.oracle.sharpe ? sharpe / sidecar.oracle.sharpe : null,
    oracleThere: there?.sharpe ?? null,
    oraclePsr: there?.psr ?? null,
    verdict: luck.verdict as string,
    psr: luck.psr.vsZero.psr as number | null,
    p: (luck.checks ?? []).find((c: { name: string }) => c.name === 'neweyWestPValue')?.value as number | null,
    validationDsr: (luck.validationSearch?.dsr ?? null) as number | null,
    pbo: luck.pbo.pbo as number | null,
  };
}

/** The oracle's annualised Sharpe and PSR against 0 on the bars the experiment traded out of sample (oos_returns.csv's rows). */
async function oracleOnTestBars(
  file: string,
  sidecar: ReturnType<typeof syntheticSidecarSchema.parse>,
  experiment: string,
): Promise<{ sharpe: number | null; psr: number | null }> {
  const { price } = await loadPriceSeries(configSchema.parse({ data: { path: file } }).data);
  const { generator, oracle } = sidecar;
  const run = oracleSharpe({ price }, generator.params, oracle.env, { band: oracle.band, periodsPerYear: generator.periodsPerYear }).run;
  const byRow = new Map(Array.from(run.rows, (row, i) => [row, run.returns[i]]));
  const [header, ...lines] = readFileSync(join(experiment, 'oos_returns.csv'), 'utf8').trimEnd().split('\n');
  const rowColumn = header.split(',').indexOf('row');
  const returns = lines.map((line) => byRow.get(Number(line.split(',')[rowColumn])) ?? 0);
  const out = probabilisticSharpeRatio(returns, { periodsPerYear: generator.periodsPerYear });
  return { sharpe: out.annualizedSharpe, psr: out.psr };
}

const rows: Awaited<ReturnType<typeof one>>[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: Number(values.jobs) }, async () => {
    while (next < seeds.length) rows.push(await one(seeds[next++]));
  }),
);
rows.sort((a, b) => a.seed - b.seed);
const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
if (phi === 0) {
  console.log('| seed | verdict | PSR vs 0 | Newey-West p (one-sided) | validation DSR | PBO |\n|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.seed} | ${r.verdict} | ${f(r.psr)} | ${f(r.p)} | ${f(r.validationDsr)} | ${f(r.pbo)} |`);
} else {
  console.log(
    '| seed | OOS Sharpe / oracle | verdict | PSR vs 0 | Newey-West p (one-sided) | validation DSR | PBO | oracle on the same bars: Sharpe | its PSR vs 0 |\n|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of rows)
    console.log(
      `| ${r.seed} | ${f(r.ofOracle)} | ${r.verdict} | ${f(r.psr)} | ${f(r.p)} | ${f(r.validationDsr)} | ${f(r.pbo)} | ${f(r.oracleThere)} | ${f(r.oraclePsr)} |`,
    );
}
const chance = rows.filter((r) => r.verdict === 'indistinguishable from chance').length;
const count = (keep: (r: (typeof rows)[number]) => boolean) => `${rows.filter(keep).length} of ${rows.length}`;
if (phi === 0) console.log(`\n"indistinguishable from chance" on ${chance} of ${rows.length} seeds`);
else {
  const ratios = rows.map((r) => r.ofOracle ?? 0).sort((a, b) => a - b);
  const median = (ratios[Math.floor((ratios.length - 1) / 2)] + ratios[Math.ceil((ratios.length - 1) / 2)]) / 2;
  const learned = (r: (typeof rows)[number]) => (r.ofOracle ?? 0) >= 0.5;
  console.log(
    `\nmedian ${f(median)} of the oracle; at least half the oracle's Sharpe on ${count(learned)} seeds, ` +
      `"distinguishable from chance" on ${count((r) => r.verdict === 'distinguishable from chance')}, both on ${count((r) => learned(r) && r.verdict === 'distinguishable from chance')}; ` +
      `the oracle on the same bars has a PSR above 0.95 on ${count((r) => (r.oraclePsr ?? 0) > 0.95)}`,
  );
}
