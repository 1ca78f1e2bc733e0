import type { CommandModule } from 'yargs';
import { experimentRoot, withExperimentOptions, type ExperimentArgs } from '../experiment-options.js';

type Args = ExperimentArgs & { beside: string[] };

export const reportCommand: CommandModule<object, Args> = {
  command: 'report',
  describe: 'Redraw the PNG plots of an experiment and rebuild its report.html',
  builder: (y) =>
    withExperimentOptions(y).option('beside', {
      type: 'string',
      array: true,
      default: [],
      describe: 'Other experiments in the results folder on the same data and windows (e.g. the linear baseline), shown side by side',
    }) as never,
  handler: async (args) => {
    const [{ generateReport }, { checkExperimentFolder }] = await Promise.all([
      import('../../report/generate.js'),
      import('../../store/experiment.js'),
    ]);
    const path = await generateReport(await checkExperimentFolder(experimentRoot(args)), undefined, args.beside);
    process.stdout.write(`report: ${path}\n`);
  },
};
