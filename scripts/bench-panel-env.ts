/**
 * Acting speed of the panel environment: per decision row, observeAll + the actions of a real DQN agent (default
 * settings: 32x32 network, the WebAssembly kernel) + step, over AR(1) panels of 1, 10 and 50 instruments (2,000 bars,
 * default features: 5 lagged returns). Acting four ways, measured back to back in each run:
 *   - loop: one greedyAction per instrument (how greedyActions acted before the kernel's batched pass);
 *   - batched: one greedyActions call over the panel (greedy evaluation);
 *   - actAll: training-time acting at the final epsilon (the random instruments drawn, the greedy ones batched);
 *   - env only: observeAll + step with fixed actions, what acting costs on top of.
 * Each run repeats whole test-segment episodes until it has taken at least --min-steps instrument-steps; each figure
 * is the median of --runs runs, after one warm-up run of each.
 *
 *   npx tsx scripts/bench-panel-env.ts [--instruments 1,10,50] [--runs 5] [--bars 2000] [--engine kernel|tfjs]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DqnAgent } from '../src/agent/dqn/dqn-agent.js';
import { selectBackend } from '../src/backend/select-backend.js';
import { configSchema } from '../src/config/schema.js';
import { computeFeatures } from '../src/data/features.js';
import { PanelTradingEnv } from '../src/env/panel-env.js';
import { panelWindowMarket } from '../src/env/panel-market.js';
import { Rng } from '../src/random/rng.js';
import { ar1Closes } from './ar1-closes.js';

const { values } = parseArgs({
  options: {
    instruments: { type: 'string', default: '1,10,50' },
    runs: { type: 'string', default: '5' },
    bars: { type: 'string', default: '2000' },
    engine: { type: 'string', default: 'kernel' },
    'min-steps': { type: 'string', default: '100000' },
  },
});
const bars = Number(values.bars);
const runs = Number(values.runs);
const minSteps = Number(values['min-steps']);
const backend = await selectBackend('auto');
const config = configSchema.parse({ agent: { engine: values.engine } });
const train = Math.floor(bars / 2);
const window = { iteration: 1, train: { start: 0, end: train }, validation: null, test: { start: train, end: bars }, partial: false };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Instrument-steps per second of one run: whole episodes until at least minSteps instrument-steps. */
function timeRun(env: PanelTradingEnv, act: (obs: Float32Array, out: Int32Array) => void): number {
  const obs = new Float32Array(env.size * env.obsDim);
  const actions = new Int32Array(env.size);
  const episodes = Math.ceil(minSteps / (env.length * env.size));
  const t0 = performance.now();
  for (let e = 0; e < episodes; e++) {
    env.reset(obs);
    for (let i = 0; i < env.length; i++) {
      act(obs, actions);
      env.step(actions);
      env.observeAll(obs);
    }
  }
  return (episodes * env.length * env.size) / ((performance.now() - t0) / 1000);
}

const rows: Array<Record<string, number | string>> = [];
for (const n of values.instruments.split(',').map(Number)) {
  const symbols = Array.from({ length: n }, (_, i) => `S${String(i + 1).padStart(2, '0')}`);
  const featureSets = symbols.map((_, i) => computeFeatures(ar1Closes(i + 1, bars), config.env, config.features));
  const { market } = panelWindowMarket(featureSets, window, symbols, symbols);
  const env = new PanelTradingEnv(market, train, bars, { ...config.env, weighting: 'equal', portfolioFeatures: true });
  const timesteps = 1000;
  const agent = new DqnAgent(config.agent, env.spaces, { rng: Rng.fromSeed(0), timesteps, rewardScale: 1 });
  agent.numTimesteps = timesteps; // past learningStarts, at the final epsilon
  const dim = env.obsDim;
  const modes: Record<string, (obs: Float32Array, out: Int32Array) => void> = {
    loop: (obs, out) => {
      for (let i = 0; i < env.size; i++) out[i] = agent.greedyAction(obs.subarray(i * dim, (i + 1) * dim));
    },
    batched: (obs, out) => void agent.greedyActions(obs, env.size, out),
    actAll: (obs, out) => void agent.actAll(obs, env.size, out),
    envOnly: (_obs, out) => void out.fill(2),
  };
  const names = Object.keys(modes);
  for (const name of names) timeRun(env, modes[name]); // warm-up
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]]));
  for (let r = 0; r < runs; r++) for (const name of names) samples[name].push(timeRun(env, modes[name]));
  const speed = Object.fromEntries(names.map((name) => [name, Math.round(median(samples[name]))]));
  agent.dispose();
  rows.push({
    instruments: n,
    loop_instrument_steps_per_s: speed.loop,
    batched_instrument_steps_per_s: speed.batched,
    batched_vs_loop: Number((speed.batched / speed.loop).toFixed(2)),
    act_all_instrument_steps_per_s: speed.actAll,
    env_only_instrument_steps_per_s: speed.envOnly,
  });
}
const base = rows[0].batched_instrument_steps_per_s as number;
for (const row of rows) row.batched_vs_first = Number(((row.batched_instrument_steps_per_s as number) / base).toFixed(2));
const load = `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;
console.log(
  `backend ${backend.name}, engine ${values.engine}, obs ${config.env.lookback + 2} floats, network ${config.agent.layers.join('x')}, actAll at epsilon ${config.agent.explorationFinal}, median of ${runs} runs, ${load}`,
);
console.table(rows);
console.log(JSON.stringify({ backend: backend.name, engine: values.engine, bars, runs, rows }));
