/**
 * Panel training throughput: instrument-steps per second of training one agent (the default settings: DQN 32x32,
 * the WebAssembly kernel) over panels of 1, 10 and 50 instruments whose log returns are AR(1) 0.1. One step is one
 * date; it acts for every instrument at once (one batched forward pass), stores one transition per instrument, and
 * learns every agent.trainFreq dates with ceil(sqrt(N)) gradient steps (agent.panelGradientSteps), so instrument-steps
 * grow with the panel faster than the gradient steps do. Each size runs --runs times, each in a fresh process,
 * alternating the sizes; the figures are medians, and the ratio is against one instrument.
 *
 *   npm run bench -- --panel                    [--instruments 1,10,50] [--dates 20000] [--runs 5] [--bars 2000]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DqnAgent } from '../src/agent/dqn/dqn-agent.js';
import { selectBackend } from '../src/backend/select-backend.js';
import { configSchema } from '../src/config/schema.js';
import { computeFeatures } from '../src/data/features.js';
import { panelWindowMarket } from '../src/env/panel-market.js';
import { Rng } from '../src/random/rng.js';
import { ar1Closes } from './ar1-closes.js';
import { panelWindowTrading } from '../src/training/window-trading.js';
import { peakRssMiB } from '../src/util/peak-rss.js';

const { values } = parseArgs({
  options: {
    panel: { type: 'boolean', default: true },
    instruments: { type: 'string', default: '1,10,50' },
    dates: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '5' },
    bars: { type: 'string', default: '2000' },
    one: { type: 'string' },
  },
});
const dates = Number(values.dates);
const bars = Number(values.bars);

async function runOne(instruments: number): Promise<Record<string, number | string>> {
  const backend = await selectBackend('auto');
  const config = configSchema.parse({});
  const symbols = Array.from({ length: instruments }, (_, k) => `S${k}`);
  const sets = symbols.map((_, k) => computeFeatures(ar1Closes(1000 + k, bars), config.env, config.features));
  const window = { iteration: 1, train: { start: 0, end: bars }, validation: null, test: { start: bars - 2, end: bars }, partial: false };
  const trading = panelWindowTrading(
    panelWindowMarket(sets, window, symbols, symbols),
    // A panel of one is the one-instrument run only with its features as they are (there is no cross-section).
    { ...config.env, weighting: 'equal', portfolioFeatures: false, crossSection: instruments > 1 ? config.env.crossSection : 'none' },
    { periodsPerYear: 252, riskFreeRate: 0 },
  );
  const agent = new DqnAgent(config.agent, trading.spaces, {
    rng: Rng.fromSeed(0),
    timesteps: dates,
    rewardScale: 1,
    transitionsPerStep: instruments,
  });
  const t0 = performance.now();
  await trading.train(agent, 'train-volatility', { timesteps: dates });
  const seconds = (performance.now() - t0) / 1000;
  const result = {
    instruments,
    backend: backend.name,
    dates,
    seconds: Number(seconds.toFixed(3)),
    instrument_steps_per_s: Math.round((dates * instruments) / seconds),
    updates: agent.numUpdates,
    peak_rss_mb: Number(peakRssMiB().toFixed(1)),
  };
  agent.dispose();
  return result;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (values.one) {
  console.log(JSON.stringify(await runOne(Number(values.one))));
} else {
  const sizes = (values.instruments as string).split(',').map(Number);
  const self = fileURLToPath(import.meta.url);
  const runs: Record<number, Array<Record<string, number>>> = Object.fromEntries(sizes.map((n) => [n, []]));
  for (let r = 0; r < Number(values.runs); r++) {
    for (const n of sizes) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--one', String(n), '--dates', String(dates), '--bars', String(bars)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      runs[n].push(JSON.parse(out.trim().split('\n').at(-1) as string));
      console.error(`round ${r + 1}: ${n} instrument(s) ${runs[n].at(-1)?.instrument_steps_per_s} instrument-steps/s`);
    }
  }
  const per = (n: number) => median(runs[n].map((x) => x.instrument_steps_per_s));
  console.log(
    JSON.stringify({
      runs: Number(values.runs),
      dates,
      bars,
      panels: sizes.map((n) => ({
        instruments: n,
        instrument_steps_per_s: per(n),
        ratio_to_one: Number((per(n) / per(sizes[0])).toFixed(2)),
        peak_rss_mb: median(runs[n].map((x) => x.peak_rss_mb)),
      })),
    }),
  );
}
