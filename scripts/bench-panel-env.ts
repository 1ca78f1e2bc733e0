/**
 * Acting speed of the panel environment: per decision row, observeAll + one batched `greedyActions` of a real DQN
 * agent (default settings: 32x32 network, the WebAssembly kernel) + step, over AR(1) panels of 1, 10 and 50
 * instruments (2,000 bars, default features: 5 lagged returns). Each run repeats whole test-segment episodes until it
 * has taken at least --min-steps instrument-steps; the figure is the median of --runs runs, after one warm-up run.
 * Beside it, the environment alone (observeAll + step with fixed actions) shows what acting costs on top.
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

/** Closes whose log returns are AR(1) with coefficient 0.1 and 1% noise, one seeded stream per instrument. */
function ar1Closes(seed: number): Float64Array {
  const rng = Rng.fromSeed(seed);
  const closes = new Float64Array(bars);
  closes[0] = 100;
  let r = 0;
  for (let t = 1; t < bars; t++) {
    r = 0.1 * r + 0.01 * rng.normal();
    closes[t] = closes[t - 1] * Math.exp(r);
  }
  return closes;
}

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
  const featureSets = symbols.map((_, i) => computeFeatures(ar1Closes(i + 1), config.env, config.features));
  const { market } = panelWindowMarket(featureSets, window, symbols, symbols);
  const env = new PanelTradingEnv(market, train, bars, { ...config.env, weighting: 'equal', portfolioFeatures: true });
  const agent = new DqnAgent(config.agent, env.spaces, { rng: Rng.fromSeed(0), timesteps: 1000, rewardScale: 1 });
  const acting = (obs: Float32Array, out: Int32Array) => void agent.greedyActions(obs, env.size, out);
  const fixed = (_obs: Float32Array, out: Int32Array) => void out.fill(2);
  const measure = (act: typeof acting) => {
    timeRun(env, act); // warm-up
    return median(Array.from({ length: runs }, () => timeRun(env, act)));
  };
  const withAgent = measure(acting);
  const envAlone = measure(fixed);
  agent.dispose();
  rows.push({
    instruments: n,
    instrument_steps_per_s: Math.round(withAgent),
    rows_per_s: Math.round(withAgent / n),
    env_only_instrument_steps_per_s: Math.round(envAlone),
  });
}
const base = rows[0].instrument_steps_per_s as number;
for (const row of rows) row.vs_first = Number(((row.instrument_steps_per_s as number) / base).toFixed(2));
const load = `load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;
console.log(
  `backend ${backend.name}, engine ${values.engine}, obs ${config.env.lookback + 2} floats, network ${config.agent.layers.join('x')}, median of ${runs} runs, ${load}`,
);
console.table(rows);
console.log(JSON.stringify({ backend: backend.name, engine: values.engine, bars, runs, rows }));
