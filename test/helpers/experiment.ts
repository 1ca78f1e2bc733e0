import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ar1Prices, toCsv } from './synthetic.js';

/** A small synthetic experiment setup: an AR(1) price CSV and a config that trains in seconds. */
export function smallExperiment(dir: string, overrides: Record<string, unknown> = {}) {
  const data = join(dir, 'prices.csv');
  writeFileSync(data, toCsv(ar1Prices(800, 0.4, 0.01, 21)));
  const config = {
    data: { path: data },
    resultsDir: join(dir, 'results'),
    seed: 17,
    env: { lookback: 8 },
    windows: { train: 300, validation: 100, test: 100, maxIterations: 3 },
    agent: { layers: [24, 24], learningStarts: 200, targetUpdateInterval: 300, bufferSize: 5000, batchSize: 32, explorationFraction: 0.3 },
    training: { timesteps: 1200, evalFreq: 300 },
    ...overrides,
  };
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  return { data, configFile, resultsDir: config.resultsDir, config };
}

/** The `wfo walkforward` arguments of a run of experiment `id` with this setup's config, then `more`. */
export function walkforwardArgs(exp: { configFile: string }, id: string, ...more: string[]): string[] {
  return ['walkforward', '--experiment', id, '--config', exp.configFile, ...more];
}
