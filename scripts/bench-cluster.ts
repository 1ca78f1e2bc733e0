/**
 * The queue on one machine: the same 8-iteration experiment coordinated over a loopback redis-server with 1 and
 * with 2 `wfo worker` processes, alternately, `--runs` pairs (default 3); prints one JSON line with the medians of
 * the wall-clock speed-up, the queue overhead per job (coordinator time from queueing to the last iteration,
 * less the iterations' own seconds, per job, with one worker) and the time from a SIGKILLed worker to its job
 * running again on an idle worker (BullMQ stalled interval 1000 ms, lock 2000 ms). Needs redis-server on PATH.
 *
 *   npm run bench:cluster
 *   npm run bench:cluster -- --runs 5 --timesteps 3000
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedis } from '../test/helpers/redis.js';
import { ar1Prices, toCsv } from '../test/helpers/synthetic.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, timesteps: { type: 'string', default: '10000' } } });
const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'src/cli/main.ts');
const STALLED_MS = 1000;
const LOCK_MS = 2000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function cli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}
const exited = (c: ChildProcess) =>
  new Promise<number | null>((r) => (c.exitCode !== null || c.signalCode !== null ? r(c.exitCode) : c.on('exit', (code) => r(code))));
function line(c: ChildProcess, pattern: RegExp): Promise<number> {
  return new Promise((resolve) => {
    let buffer = '';
    c.stdout?.on('data', (d) => {
      buffer += d;
      if (pattern.test(buffer)) {
        buffer = '';
        resolve(performance.now());
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'wfo-bench-cluster-'));
const redis = await startRedis();
const workerArgs = [
  'worker',
  '--redis',
  redis.url,
  '--results-dir',
  join(dir, 'results'),
  '--stalled-interval',
  String(STALLED_MS),
  '--lock-duration',
  String(LOCK_MS),
  '--quiet',
];
function writeConfig(name: string, iterations: number): string {
  const data = join(dir, 'prices.csv');
  writeFileSync(data, toCsv(ar1Prices(1400, 0.4, 0.01, 21)));
  const config = {
    data: { path: data },
    resultsDir: join(dir, 'results'),
    seed: 17,
    env: { lookback: 8 },
    windows: { train: 300, validation: 100, test: 100, maxIterations: iterations },
    agent: { layers: [24, 24], learningStarts: 200, targetUpdateInterval: 300, bufferSize: 5000, batchSize: 32, explorationFraction: 0.3 },
    training: { timesteps: Number(values.timesteps), evalFreq: 500 },
  };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

async function withWorkers<T>(n: number, body: (workers: ChildProcess[]) => Promise<T>): Promise<T> {
  const workers = Array.from({ length: n }, () => cli(workerArgs));
  if (process.env.BENCH_DEBUG)
    for (const w of workers) {
      w.stderr?.on('data', (d) => process.stderr.write(`worker: ${d}`));
      w.stdout?.on('data', (d) => process.stderr.write(`worker: ${d}`));
    }
  await Promise.all(workers.map((w) => line(w, /waiting for iterations/)));
  try {
    return await body(workers);
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    await Promise.all(workers.map(exited));
  }
}

/** Wall seconds of the coordinator, and its queue overhead per job from run.log. */
async function coordinated(n: number, config: string, id: string): Promise<{ seconds: number; overheadMs: number }> {
  return withWorkers(n, async () => {
    const started = performance.now();
    const coordinator = cli(['walkforward', '--config', config, '--experiment', id, '--redis', redis.url, '--no-charts', '--quiet']);
    let stderr = '';
    coordinator.stderr?.on('data', (d) => (stderr += d));
    const code = await exited(coordinator);
    if (code !== 0) throw new Error(`coordinator of ${id} exited ${code}:\n${stderr}`);
    const seconds = (performance.now() - started) / 1000;
    const log = readFileSync(join(dir, 'results', id, 'run.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event?: string; time: number });
    const queued = log.find((r) => r.event === 'workers')?.time ?? 0;
    const last = Math.max(...log.filter((r) => r.event === 'iteration-done').map((r) => r.time));
    const summary = JSON.parse(readFileSync(join(dir, 'results', id, 'walkforward_summary.json'), 'utf8')) as {
      iterations: Array<{ seconds: { training: number; evaluation: number; preservation: number } }>;
    };
    const own = summary.iterations.reduce((s, it) => s + 1000 * (it.seconds.training + it.seconds.evaluation + it.seconds.preservation), 0);
    return { seconds, overheadMs: (last - queued - own) / summary.iterations.length };
  });
}

/** Milliseconds from SIGKILL of the worker running the only iteration to the other, idle worker starting it. */
async function takeover(config: string, id: string): Promise<number> {
  return withWorkers(2, async (workers) => {
    const coordinator = cli(['walkforward', '--config', config, '--experiment', id, '--redis', redis.url, '--no-charts', '--quiet']);
    const started = workers.map((w) => line(w, /: started \(job/));
    const first = await Promise.race(started.map((p, i) => p.then(() => i)));
    const killedAt = performance.now();
    workers[first].kill('SIGKILL');
    const ms = (await started[1 - first]) - killedAt;
    await exited(coordinator);
    return ms;
  });
}

try {
  const eight = writeConfig('eight', 8);
  const one = writeConfig('one', 1);
  const runs = Number(values.runs);
  const rows: Array<{ one: number; two: number; overheadMs: number; takeoverMs: number }> = [];
  for (let r = 0; r < runs; r++) {
    const a = await coordinated(1, eight, `w1-${r}`);
    const b = await coordinated(2, eight, `w2-${r}`);
    const t = await takeover(one, `kill-${r}`);
    rows.push({ one: a.seconds, two: b.seconds, overheadMs: a.overheadMs, takeoverMs: t });
    process.stderr.write(
      `pair ${r + 1}: 1 worker ${a.seconds.toFixed(1)}s, 2 workers ${b.seconds.toFixed(1)}s, overhead ${a.overheadMs.toFixed(0)} ms/job, takeover ${t.toFixed(0)} ms\n`,
    );
  }
  const speedUp = median(rows.map((x) => x.one / x.two));
  process.stdout.write(
    JSON.stringify({
      iterations: 8,
      timesteps: Number(values.timesteps),
      pairs: runs,
      medianSecondsOneWorker: median(rows.map((x) => x.one)),
      medianSecondsTwoWorkers: median(rows.map((x) => x.two)),
      speedUp,
      queueOverheadMsPerJob: median(rows.map((x) => x.overheadMs)),
      takeoverMs: median(rows.map((x) => x.takeoverMs)),
      takeoverGoalMs: 2 * STALLED_MS,
      runs: rows,
    }) + '\n',
  );
} finally {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
