/**
 * Walk-forward speed-up from worker threads: runs the built CLI (`npm run build` first) on the bundled data with
 * --workers 1 and --workers N alternately, each in a fresh process and a fresh results folder, and prints one JSON
 * line with the wall-clock medians, every run, and their ratio. Alternating back to back keeps a noisy shared
 * machine's drift out of the ratio.
 *
 *   npm run bench:workers                        default config, 5 pairs, N = 2
 *   npm run bench:workers -- --runs 3 --workers 2 --set training.timesteps=20000 --no-charts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    set: { type: 'string', multiple: true, default: [] },
    'no-charts': { type: 'boolean', default: false },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timedRun(workers: number, results: string, id: string): number {
  const args = [cli, 'walkforward', '--experiment', id, '--results-dir', results, '--set', 'seed=1', '--quiet', '--workers', String(workers)];
  for (const s of values.set) args.push('--set', s);
  if (values['no-charts']) args.push('--no-charts');
  const started = performance.now();
  execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - started) / 1000;
}

const n = Number(values.workers);
const results = mkdtempSync(join(tmpdir(), 'wfo-bench-workers-'));
const one: number[] = [];
const many: number[] = [];
try {
  for (let i = 0; i < Number(values.runs); i++) {
    one.push(timedRun(1, results, `one-${i}`));
    many.push(timedRun(n, results, `many-${i}`));
  }
} finally {
  rmSync(results, { recursive: true, force: true });
}
const round = (x: number) => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({
    workers: n,
    runs: one.length,
    set: values.set,
    charts: !values['no-charts'],
    seconds_workers_1: round(median(one)),
    [`seconds_workers_${n}`]: round(median(many)),
    speedup: round(median(one) / median(many)),
    all_workers_1: one.map(round),
    [`all_workers_${n}`]: many.map(round),
  }),
);
