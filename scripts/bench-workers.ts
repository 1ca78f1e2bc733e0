/**
 * Walk-forward wall time: runs the built CLI (`npm run build` first) on the bundled data with --workers 1 and
 * --workers N alternately, each in a fresh process and a fresh results folder, and prints one JSON line with the
 * wall-clock medians, every run, their ratio, and the blocked time of the saves (from each run's
 * walkforward_summary.json). Alternating back to back keeps a noisy shared machine's drift out of the ratio.
 * With --baseline, side A is another built checkout (a `git worktree` of an older commit) run with its defaults.
 *
 *   npm run bench:workers                        default config, 5 pairs, --workers 1 against --workers 2
 *   npm run bench:workers -- --runs 3 --workers auto --set training.timesteps=20000 --no-charts
 *   npm run bench:workers -- --baseline ../wt-49ad958 --workers auto --own-set agent.rewardScaling=none --set ...
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    /** Passed to both sides. */
    set: { type: 'string', multiple: true, default: [] },
    /** Passed to this checkout only (a setting the baseline lacks). */
    'own-set': { type: 'string', multiple: true, default: [] },
    baseline: { type: 'string' },
    'no-charts': { type: 'boolean', default: false },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
const baselineCli = values.baseline ? join(resolve(values.baseline), 'dist/cli/main.js') : null;
for (const file of [cli, baselineCli]) if (file && !existsSync(file)) throw new Error(`${file} is missing: run npm run build there first`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Timed {
  seconds: number;
  blockedMedianMs: number | null;
  blockedMaxMs: number | null;
  savingShare: number | null;
}

/** One run in a fresh process; `workers` null leaves --workers to the CLI's default. */
function timedRun(entry: string, workers: string | null, own: boolean, results: string, id: string): Timed {
  const args = [entry, 'walkforward', '--experiment', id, '--results-dir', results, '--set', 'seed=1', '--quiet'];
  if (workers !== null) args.push('--workers', workers);
  for (const s of [...values.set, ...(own ? values['own-set'] : [])]) args.push('--set', s);
  if (values['no-charts']) args.push('--no-charts');
  const started = performance.now();
  execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = (performance.now() - started) / 1000;
  const summary = JSON.parse(readFileSync(join(results, id, 'walkforward_summary.json'), 'utf8')) as {
    savesBlockedMs?: { median: number; max: number; share: number };
  };
  const saves = summary.savesBlockedMs;
  return { seconds, blockedMedianMs: saves?.median ?? null, blockedMaxMs: saves?.max ?? null, savingShare: saves?.share ?? null };
}

const n = values.workers;
const nameA = baselineCli ? 'baseline' : 'workers_1';
const nameB = `workers_${n}`;
const results = mkdtempSync(join(tmpdir(), 'wfo-bench-workers-'));
const a: Timed[] = [];
const b: Timed[] = [];
try {
  for (let i = 0; i < Number(values.runs); i++) {
    a.push(baselineCli ? timedRun(baselineCli, null, false, results, `a-${i}`) : timedRun(cli, '1', true, results, `a-${i}`));
    b.push(timedRun(cli, n, true, results, `b-${i}`));
  }
} finally {
  rmSync(results, { recursive: true, force: true });
}
const round = (x: number) => Math.round(x * 100) / 100;
const medianOf = (runs: Timed[], key: keyof Timed) => {
  const xs = runs.map((r) => r[key]).filter((x): x is number => x !== null);
  return xs.length ? median(xs) : null;
};
const figures = (runs: Timed[]) => ({
  blocked_ms_per_save_median: medianOf(runs, 'blockedMedianMs'),
  blocked_ms_per_save_max: medianOf(runs, 'blockedMaxMs'),
  saving_share: medianOf(runs, 'savingShare'),
});
console.log(
  JSON.stringify({
    workers: n,
    baseline: values.baseline ?? null,
    runs: a.length,
    set: values.set,
    own_set: values['own-set'],
    charts: !values['no-charts'],
    [`seconds_${nameA}`]: round(median(a.map((r) => r.seconds))),
    [`seconds_${nameB}`]: round(median(b.map((r) => r.seconds))),
    speedup: round(median(a.map((r) => r.seconds)) / median(b.map((r) => r.seconds))),
    pair_ratios: a.map((r, i) => round(r.seconds / b[i].seconds)),
    [`all_${nameA}`]: a.map((r) => round(r.seconds)),
    [`all_${nameB}`]: b.map((r) => round(r.seconds)),
    [`saves_${nameA}`]: figures(a),
    [`saves_${nameB}`]: figures(b),
  }),
);
