import type { Argv } from 'yargs';
import type { LoadedConfig } from '../config/load-config.js';
import { backendNames } from '../backend/names.js';
import { presetNames } from '../config/presets.js';

/** Flags that feed the configuration, shared by every command that resolves one. */
export interface ConfigArgs {
  config?: string;
  preset?: string;
  data?: string;
  priceColumn?: string;
  seed?: number;
  resultsDir?: string;
  backend?: string;
  set?: string[];
  /** walkforward's --ledger (ledger.name). */
  ledger?: string;
}

export function withConfigOptions<T>(y: Argv<T>): Argv<T & ConfigArgs> {
  return y
    .option('config', { type: 'string', describe: 'Config file (.json, .yaml or .yml)' })
    .option('preset', { type: 'string', choices: presetNames, describe: 'Named starting configuration' })
    .option('data', { type: 'string', describe: 'CSV or Parquet file, folder or glob of the prices (data.path)' })
    .option('price-column', { type: 'string', describe: 'Column to trade (data.priceColumn)' })
    .option('seed', { type: 'number', describe: 'Master seed (default: derived from the experiment id)' })
    .option('results-dir', { type: 'string', describe: 'Parent folder of experiment folders (resultsDir)' })
    .option('backend', { type: 'string', choices: backendNames, describe: 'TensorFlow.js backend' })
    .option('set', { type: 'string', array: true, describe: 'Override any setting: --set windows.train=1000 (repeatable)' })
    .group(['config', 'preset', 'data', 'price-column', 'seed', 'results-dir', 'backend', 'set'], 'Configuration:') as Argv<T & ConfigArgs>;
}

/** The configuration from every source; the schema and its loaders are imported only by commands that need them. */
export async function resolveConfig(args: ConfigArgs): Promise<LoadedConfig> {
  const { loadConfig } = await import('../config/load-config.js');
  return loadConfig({
    preset: args.preset,
    configFile: args.config,
    flags: {
      data: args.data,
      priceColumn: args.priceColumn,
      seed: args.seed,
      resultsDir: args.resultsDir,
      backend: args.backend,
      ledger: args.ledger,
    },
    sets: args.set,
  });
}
