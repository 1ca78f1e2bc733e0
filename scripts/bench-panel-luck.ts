/**
 * Learning and luck on panels: `wfo synth --symbols 10 --same-params --kind ar1 --phi <phi> --factor-sigma 0.008
 * --cost-bps 2 --bars 4000` (every instrument's idiosyncratic log returns AR(1) <phi>, one common market factor
 * without signal) for 10 seeds, the default walk-forward on each panel. With phi > 0: how often the portfolio's
 * stitched out-of-sample Sharpe reaches half the equal-weight panel of oracles' and the verdict says "distinguishable from chance". With phi 0
 * (random walks): how often the summary says "indistinguishable from chance". --alone runs the first instrument of
 * each panel by itself (data.symbol), the contrast the one-instrument pipeline gives on the same series. Seeds 1 to 10
 * are not the studies' (101 and up), so no default was chosen on them. Needs `npm run build` first.
 *
 *   npm run bench:panel-luck -- [--phi 0.1] [--seeds 1,2,...] [--jobs 2] [--alone] [--set training.timesteps=30000 ...]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { syntheticPanelSidecarSchema } from '../src/markets/synthetic-panel-file.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3,4,5,6,7,8,9,10' },
    jobs: { type: 'string', default: '2' },
    phi: { type: 'string', default: '0.1' },
    symbols: { type: 'string', default: '10' },
    alone: { type: 'boolean', default: false },
    /** Settings for a study of them, passed to walkforward as given: --set training.timesteps=30000. */
    set: { type: 'string', multiple: true, default: [] },
  },
});
const phi = Number(values.phi);
if (!Number.isFinite(phi) || phi < 0 || phi >= 1) throw new Error(`--phi ${values.phi}: give a number from 0 up to (not including) 1`);
const name = `${phi === 0 ? 'walks' : `ar1-${phi}`}${values.alone ? '-alone' : ''}`;
const dir = mkdtempSync(join(tmpdir(), 'wfo-bench-panel-luck-'));
const seeds = values.seeds.split(',').map(Number);

async function one(seed: number) {
  const id = `${name}-${seed}`;
  const file = join(dir, `${id}.csv`);
  const synth = ['synth', '--kind', 'ar1', '--phi', String(phi), '--symbols', values.symbols as string, '--same-params'];
  synth.push('--factor-sigma', '0.008', '--cost-bps', '2', '--bars', '4000', '--seed', String(seed), '--out', file);
  await run(process.execPath, [cli, ...synth]);
  const sidecar = syntheticPanelSidecarSchema.parse(JSON.parse(readFileSync(`${file}.json`, 'utf8')));
  const walk = ['walkforward', '--experiment', id, '--results-dir', dir, '--data', file, '--set', 'env.costBps=2', '--quiet', '--no-charts'];
  if (values.alone) walk.push('--set', `data.symbol=${sidecar.symbols[0].symbol}`);
  for (const setting of values.set as string[]) walk.push('--set', setting);
  await run(process.execPath, [cli, ...walk], { maxBuffer: 1 << 26 });
  const summary = JSON.parse(readFileSync(join(dir, id, 'walkforward_summary.json'), 'utf8'));
  const oracle = values.alone ? sidecar.symbols[0].oracle.sharpe : sidecar.oracle.panel.sharpe;
  const sharpe = summary.stitched.strategy.sharpe as number | null;
  return {
    seed,
    sharpe,
    oracle,
    ofOracle: sharpe !== null && oracle ? sharpe / oracle : null,
    verdict: summary.luck.verdict as string,
    psr: summary.luck.psr.vsZero.psr as number | null,
    newey: (summary.luck.checks ?? []).find((c: { name: string }) => c.name === 'neweyWestPValue')?.value as number | null,
    chance: summary.luck.chance.keptPercentile as number | null,
  };
}

const rows: Awaited<ReturnType<typeof one>>[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: Number(values.jobs) }, async () => {
    while (next < seeds.length) rows.push(await one(seeds[next++]));
  }),
);
rows.sort((a, b) => a.seed - b.seed);
const f = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
console.log(
  '| seed | OOS Sharpe | oracle | of oracle | verdict | PSR vs 0 | Newey-West p (one-sided) | chance percentile |\n|---|---|---|---|---|---|---|---|',
);
for (const r of rows)
  console.log(`| ${r.seed} | ${f(r.sharpe)} | ${f(r.oracle)} | ${f(r.ofOracle)} | ${r.verdict} | ${f(r.psr)} | ${f(r.newey)} | ${f(r.chance)} |`);
const count = (keep: (r: (typeof rows)[number]) => boolean) => `${rows.filter(keep).length} of ${rows.length}`;
console.log(
  `\n${name}: "indistinguishable from chance" on ${count((r) => r.verdict === 'indistinguishable from chance')}; ` +
    `at least half the oracle's Sharpe and "distinguishable from chance" on ${count((r) => (r.ofOracle ?? 0) >= 0.5 && r.verdict === 'distinguishable from chance')}`,
);
