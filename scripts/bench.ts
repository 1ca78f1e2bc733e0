/**
 * Training-throughput benchmark on the reference workload of ../shared/bench/peer_dqn_torch.py: close prices of
 * data/sp500-2000.csv, observation = last 30 log returns + position (31 floats), actions short/flat/long, reward =
 * position x next log return - 0.001 x |position change|, MLP 31-128-128-3 (ReLU), Adam lr 1e-4, Huber, gamma 0.99,
 * buffer 100000, learning_starts 1000, train_freq 4, batch 64, target update every 1000 steps, epsilon 1.0 -> 0.05
 * over the first 10%, PER alpha 0.6, beta 0.4 -> 1.0, eps 1e-6, plain (not double) DQN targets as the peer uses.
 *
 *   npm run bench                          one run, one JSON line
 *   npm run bench -- --panel               instrument-steps per second for panels of 1, 10 and 50 instruments
 *                                          (scripts/bench-panel.ts; its options follow --panel)
 *   npm run bench -- --compare-peer        alternates this and the PyTorch peer (Debian's python3-torch) 5 times,
 *                                          each in a fresh process, and prints the medians and their ratio
 * Options: --steps 20000, --engine kernel|tfjs, --runs 5, --python /usr/bin/python3
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DqnAgent } from '../src/agent/dqn/dqn-agent.js';
import { selectBackend } from '../src/backend/select-backend.js';
import { configSchema } from '../src/config/schema.js';
import { loadPriceSeries } from '../src/data/load-series.js';
import { computeFeatures, fitStandardization } from '../src/data/features.js';
import { TradingEnv } from '../src/env/trading-env.js';
import { Rng } from '../src/random/rng.js';
import { trainAgent, type PhaseTimes } from '../src/training/train-loop.js';
import { marketView } from '../src/env/market.js';
import { peakRssMiB } from '../src/util/peak-rss.js';

if (process.argv.includes('--panel')) {
  const panel = fileURLToPath(new URL('./bench-panel.ts', import.meta.url));
  execFileSync(process.execPath, ['--import', 'tsx', panel, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(0);
}

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '20000' },
    engine: { type: 'string', default: 'kernel' },
    runs: { type: 'string', default: '5' },
    python: { type: 'string', default: '/usr/bin/python3' },
    'compare-peer': { type: 'boolean', default: false },
    data: { type: 'string', default: 'data/sp500-2000.csv' },
  },
});
const steps = Number(values.steps);

interface Figures {
  env_steps_per_s: number;
  updates_per_s: number;
  [key: string]: unknown;
}

async function runOurs(): Promise<Figures> {
  const backend = await selectBackend('auto');
  const config = configSchema.parse({
    env: { lookback: 30, costBps: 10, allowShort: true },
    agent: {
      engine: values.engine,
      layers: [128, 128],
      learningRate: 1e-4,
      gamma: 0.99,
      batchSize: 64,
      bufferSize: 100_000,
      learningStarts: 1000,
      trainFreq: 4,
      targetUpdateInterval: 1000,
      explorationFraction: 0.1,
      explorationInitial: 1,
      explorationFinal: 0.05,
      doubleDqn: false,
      maxGradNorm: 10,
      huberDelta: 1,
      replay: { prioritized: true, alpha: 0.6, betaStart: 0.4, betaEnd: 1, priorityEpsilon: 1e-6 },
    },
  });
  const series = await loadPriceSeries({ ...config.data, path: values.data as string });
  const features = computeFeatures(series.price, config.env, config.features);
  const market = marketView(features, fitStandardization(features, 0, series.rows));
  const env = new TradingEnv(market, 0, series.rows, config.env);
  const agent = new DqnAgent(config.agent, env.spaces, { rng: Rng.fromSeed(0), timesteps: steps, rewardScale: 1 });
  const times: PhaseTimes = { action: 0, environment: 0, training: 0 };
  const t0 = performance.now();
  await trainAgent(agent, env, { timesteps: steps, times });
  const seconds = (performance.now() - t0) / 1000;
  const probe = env.reset();
  const a0 = performance.now();
  for (let i = 0; i < 2000; i++) agent.greedyAction(probe);
  const msPerAction = (performance.now() - a0) / 2000;
  const result = {
    implementation: 'wfo-rl',
    engine: values.engine,
    backend: backend.name,
    steps,
    seconds: round(seconds, 3),
    env_steps_per_s: round(steps / seconds, 1),
    updates_per_s: round(agent.numUpdates / seconds, 1),
    ms_per_update: round(times.training / agent.numUpdates, 3),
    ms_per_action: round(msPerAction, 4),
    peak_rss_mb: round(peakRssMiB(), 1),
    replay_bytes_per_transition: agent.replay.bytesPerTransition,
    replay_bytes_limit: 2 * env.obsDim * 4 + 16,
  };
  agent.dispose();
  return result;
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function fresh(command: string, args: string[]): Figures {
  const out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Figures;
}

if (!values['compare-peer']) {
  console.log(JSON.stringify(await runOurs()));
} else {
  const self = fileURLToPath(import.meta.url);
  const peer = fileURLToPath(new URL('../../shared/bench/peer_dqn_torch.py', import.meta.url));
  const ours: Figures[] = [];
  const theirs: Figures[] = [];
  for (let r = 0; r < Number(values.runs); r++) {
    ours.push(
      fresh(process.execPath, [
        '--import',
        'tsx',
        self,
        '--steps',
        String(steps),
        '--engine',
        values.engine as string,
        '--data',
        values.data as string,
      ]),
    );
    theirs.push(fresh(values.python as string, [peer, values.data as string, '--steps', String(steps), '--threads', '1']));
    console.error(`round ${r + 1}: ours ${ours.at(-1)?.env_steps_per_s} steps/s, peer ${theirs.at(-1)?.env_steps_per_s} steps/s`);
  }
  const m = (xs: Figures[], key: 'env_steps_per_s' | 'updates_per_s') => median(xs.map((x) => x[key]));
  console.log(
    JSON.stringify({
      runs: ours.length,
      steps,
      engine: values.engine,
      ours: {
        env_steps_per_s: m(ours, 'env_steps_per_s'),
        updates_per_s: m(ours, 'updates_per_s'),
        ms_per_update: median(ours.map((o) => o.ms_per_update as number)),
        ms_per_action: median(ours.map((o) => o.ms_per_action as number)),
        peak_rss_mb: median(ours.map((o) => o.peak_rss_mb as number)),
        replay_bytes_per_transition: ours[0].replay_bytes_per_transition,
        backend: ours[0].backend,
      },
      peer: {
        env_steps_per_s: m(theirs, 'env_steps_per_s'),
        updates_per_s: m(theirs, 'updates_per_s'),
        torch: theirs[0].torch,
        threads: theirs[0].threads,
      },
      ratio_env_steps: round(m(ours, 'env_steps_per_s') / m(theirs, 'env_steps_per_s'), 2),
      ratio_updates: round(m(ours, 'updates_per_s') / m(theirs, 'updates_per_s'), 2),
    }),
  );
}
