/**
 * The verdict against markets with a known truth (`wfo synth`, 4,000 bars, 10 bps), in three parts:
 * - learning: AR(1) 0.2 series, seeds 1 to 10, a default run each. Where the out-of-sample Sharpe reaches half the
 *   oracle's on the same bars' series, the verdict should say "distinguishable from chance";
 * - one run on noise: random walks, seeds 1 to 20, a default run each: "indistinguishable from chance";
 * - a search on noise: random walks, seeds 21 to 30, a sweep of 20 configurations each (learning rate x lookback,
 *   2,000 steps per iteration). How often the best point would pass on PSR alone (what the search inflates), and
 *   how often the verdict that counts the 20 trials in the ledger still says "indistinguishable".
 * No seed here chose a default (the studies used 101 and up). Needs `npm run build` first.
 *
 *   npm run bench:trials -- [--part learning|single|search|all] [--jobs 2]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { syntheticSidecarSchema } from '../src/markets/synthetic-file.js';
import { studySummarySchema, walkforwardSummarySchema, type ExperimentLuck } from '../src/records/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
const { values } = parseArgs({ options: { part: { type: 'string', default: 'all' }, jobs: { type: 'string', default: '2' } } });
const parts = values.part === 'all' ? ['learning', 'single', 'search'] : [values.part as string];
for (const p of parts) if (!['learning', 'single', 'search'].includes(p)) throw new Error(`--part ${p}: give learning, single, search or all`);
const dir = mkdtempSync(join(tmpdir(), 'wfo-bench-trials-'));
const f = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
const check = (name: string) => (checks: ExperimentLuck['checks']) => checks?.find((c) => c.name === name)?.value ?? null;

async function synth(id: string, phi: number, seed: number): Promise<string> {
  const file = join(dir, `${id}.csv`);
  const args = ['synth', '--kind', 'ar1', '--phi', String(phi), '--bars', '4000', '--seed', String(seed), '--cost-bps', '10', '--out', file];
  await run(process.execPath, [cli, ...args]);
  return file;
}

async function pool<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Number(values.jobs) }, worker));
  return out;
}

/** A default walk-forward on one synthetic series; its results folder is its own, so its ledger counts it alone. */
async function defaultRun(id: string, phi: number, seed: number) {
  const file = await synth(id, phi, seed);
  const results = join(dir, id);
  await run(process.execPath, [cli, 'walkforward', '--experiment', id, '--results-dir', results, '--data', file, '--quiet', '--no-charts'], {
    maxBuffer: 1 << 26,
  });
  const summary = walkforwardSummarySchema.parse(JSON.parse(readFileSync(join(results, id, 'walkforward_summary.json'), 'utf8')));
  const sidecar = syntheticSidecarSchema.parse(JSON.parse(readFileSync(`${file}.json`, 'utf8')));
  const sharpe = summary.stitched.strategy.sharpe;
  const oracle = sidecar.oracle.sharpe;
  const l = summary.luck;
  return {
    seed,
    ofOracle: sharpe !== null && oracle ? sharpe / oracle : null,
    verdict: l.verdict,
    psr: l.psr.vsZero.psr,
    p: check('neweyWestPValue')(l.checks),
    chance: l.chance.keptPercentile,
  };
}

async function learning() {
  const rows = await pool([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], (seed) => defaultRun(`ar1-0.2-${seed}`, 0.2, seed));
  console.log('\n## Learning: AR(1) 0.2, a default run per series\n');
  console.log('| seed | OOS Sharpe / oracle | PSR vs 0 | Newey-West p (one-sided) | chance percentile | verdict |\n|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.seed} | ${f(r.ofOracle)} | ${f(r.psr)} | ${f(r.p)} | ${f(r.chance)} | ${r.verdict} |`);
  const half = rows.filter((r) => (r.ofOracle ?? 0) >= 0.5);
  const misses = half.filter((r) => r.verdict !== 'distinguishable from chance').length;
  console.log(
    `\nat least half the oracle's Sharpe on ${half.length} of ${rows.length}; "distinguishable from chance" on ${half.length - misses} of those ` +
      `(${misses} ${misses === 1 ? 'miss' : 'misses'}; done when at most 1): ${misses <= 1 ? 'PASS' : 'FAIL'}`,
  );
  return misses <= 1;
}

async function single() {
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
  const rows = await pool(seeds, (seed) => defaultRun(`walk-${seed}`, 0, seed));
  console.log('\n## One run on noise: random walks, a default run per series\n');
  console.log('| seed | PSR vs 0 | Newey-West p (one-sided) | chance percentile | verdict |\n|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.seed} | ${f(r.psr)} | ${f(r.p)} | ${f(r.chance)} | ${r.verdict} |`);
  const calm = rows.filter((r) => r.verdict === 'indistinguishable from chance').length;
  console.log(`\n"indistinguishable from chance" on ${calm} of ${rows.length} (done when at least 19): ${calm >= 19 ? 'PASS' : 'FAIL'}`);
  return calm >= 19;
}

/** A sweep of 20 configurations on one random walk, in its own results folder: its ledger holds that search alone. */
async function search(seed: number) {
  const id = `search-walk-${seed}`;
  const file = await synth(`walk-${seed}`, 0, seed);
  const results = join(dir, id);
  const base = join(dir, `${id}.base.json`);
  writeFileSync(base, JSON.stringify({ data: { path: file }, training: { timesteps: 2000, evalFreq: 500 } }));
  const sweep = join(dir, `${id}.yaml`);
  writeFileSync(
    sweep,
    `study: ${id}\nbase: ${base}\ngrid:\n  agent.learningRate: [0.0001, 0.0003, 0.001, 0.003]\n  env.lookback: [2, 5, 10, 20, 30]\n`,
  );
  await run(process.execPath, [cli, 'sweep', '--config', sweep, '--results-dir', results, '--quiet', '--no-charts'], { maxBuffer: 1 << 26 });
  const study = studySummarySchema.parse(JSON.parse(readFileSync(join(results, id, 'study_summary.json'), 'utf8')));
  const best = study.trials.best;
  const summary = best ? walkforwardSummarySchema.parse(JSON.parse(readFileSync(join(results, id, best, 'walkforward_summary.json'), 'utf8'))) : null;
  const l = summary?.luck;
  const singleChecks = l?.checks?.filter((c) => c.name !== 'trialsDsr') ?? [];
  return {
    seed,
    best,
    sharpe: summary?.stitched.strategy.sharpe ?? null,
    psr: l?.psr.vsZero.psr ?? null,
    passesPsr: (l?.psr.vsZero.psr ?? 0) >= 0.95,
    passesSingle: singleChecks.length > 0 && singleChecks.every((c) => c.passed === true),
    trials: study.ledger?.trials.count ?? null,
    luckGives: study.ledger?.trials.annualizedExpectedMaxSharpe ?? null,
    dsr: study.ledger?.trials.dsr ?? null,
    verdict: study.ledger?.verdict ?? 'no best point',
  };
}

async function searches() {
  const rows = await pool([21, 22, 23, 24, 25, 26, 27, 28, 29, 30], search);
  console.log('\n## A search on noise: random walks, 20 configurations each, the best point\n');
  console.log(
    '| seed | best point | its Sharpe | PSR vs 0 | trials in the ledger | luck gives the best | DSR over the trials | verdict |\n|---|---|---|---|---|---|---|---|',
  );
  for (const r of rows)
    console.log(
      `| ${r.seed} | ${r.best ?? '-'} | ${f(r.sharpe)} | ${f(r.psr)} | ${r.trials ?? '-'} | ${f(r.luckGives)} | ${f(r.dsr)} | ${r.verdict} |`,
    );
  const calm = rows.filter((r) => r.verdict === 'indistinguishable from chance').length;
  console.log(
    `\nthe best point would pass on PSR alone on ${rows.filter((r) => r.passesPsr).length} of ${rows.length} walks, ` +
      `on the single-run verdict (PSR, Newey-West, chance) on ${rows.filter((r) => r.passesSingle).length}; ` +
      `the verdict counting the ledger's trials says "indistinguishable" on ${calm} of ${rows.length} (done when at least 9): ${calm >= 9 ? 'PASS' : 'FAIL'}`,
  );
  return calm >= 9;
}

const outcomes: boolean[] = [];
if (parts.includes('learning')) outcomes.push(await learning());
if (parts.includes('single')) outcomes.push(await single());
if (parts.includes('search')) outcomes.push(await searches());
console.log(`\nresults under ${dir}`);
process.exitCode = outcomes.every(Boolean) ? 0 : 1;
