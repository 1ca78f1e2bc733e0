/**
 * Luck on a market without signal: `wfo synth --kind ar1 --phi 0` (a random walk, 4,000 bars, 10 bps) for 10 seeds,
 * the default walk-forward on each, and how often the summary says "indistinguishable from chance" and the deflated
 * Sharpe ratio stays below 0.5. Needs `npm run build` first.
 *
 *   npm run bench:luck -- [--seeds 1,2,...] [--jobs 2]
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
const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1,2,3,4,5,6,7,8,9,10' }, jobs: { type: 'string', default: '2' } } });
const dir = mkdtempSync(join(tmpdir(), 'wfo-bench-luck-'));
const seeds = values.seeds.split(',').map(Number);

async function one(seed: number) {
  const file = join(dir, `walk-${seed}.csv`);
  await run(process.execPath, [
    cli,
    'synth',
    '--kind',
    'ar1',
    '--phi',
    '0',
    '--bars',
    '4000',
    '--seed',
    String(seed),
    '--cost-bps',
    '10',
    '--out',
    file,
  ]);
  await run(process.execPath, [cli, 'walkforward', '--experiment', `walk-${seed}`, '--results-dir', dir, '--data', file, '--quiet', '--no-charts'], {
    maxBuffer: 1 << 26,
  });
  const luck = JSON.parse(readFileSync(join(dir, `walk-${seed}`, 'walkforward_summary.json'), 'utf8')).luck;
  return {
    seed,
    verdict: luck.verdict as string,
    dsr: luck.dsr.dsr as number | null,
    psr: luck.psr.vsZero.psr as number | null,
    pbo: luck.pbo.pbo as number | null,
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
const f = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
console.log('| seed | verdict | DSR | PSR vs 0 | PBO |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.seed} | ${r.verdict} | ${f(r.dsr)} | ${f(r.psr)} | ${f(r.pbo)} |`);
const chance = rows.filter((r) => r.verdict === 'indistinguishable from chance').length;
const low = rows.filter((r) => r.dsr !== null && r.dsr < 0.5).length;
console.log(`\n"indistinguishable from chance" on ${chance} of ${rows.length} seeds; DSR below 0.5 on ${low} of ${rows.length}`);
