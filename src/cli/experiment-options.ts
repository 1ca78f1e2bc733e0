import type { Argv } from 'yargs';
import { experimentPaths } from '../store/layout.js';

export interface ExperimentArgs {
  experiment: string;
  resultsDir: string;
}

export function withExperimentOptions<T>(y: Argv<T>): Argv<T & ExperimentArgs> {
  return y
    .option('experiment', { type: 'string', demandOption: true, describe: 'Experiment id' })
    .option('results-dir', { type: 'string', default: 'results', describe: 'Parent folder of experiment folders' }) as unknown as Argv<
    T & ExperimentArgs
  >;
}

export function experimentRoot(args: ExperimentArgs): string {
  return experimentPaths(args.resultsDir, args.experiment).root;
}
