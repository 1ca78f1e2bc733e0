import type { CommandModule } from 'yargs';
import { experimentRoot, withExperimentOptions, type ExperimentArgs } from '../experiment-options.js';

export const reportCommand: CommandModule<object, ExperimentArgs> = {
  command: 'report',
  describe: 'Redraw the PNG plots of an experiment and rebuild its report.html',
  builder: (y) => withExperimentOptions(y) as never,
  handler: async (args) => {
    const [{ generateReport }, { checkExperimentFolder }] = await Promise.all([
      import('../../report/generate.js'),
      import('../../store/experiment.js'),
    ]);
    const path = await generateReport(await checkExperimentFolder(experimentRoot(args)));
    process.stdout.write(`report: ${path}\n`);
  },
};
