import type { CommandModule } from 'yargs';
import { withExperimentOptions, type ExperimentArgs } from '../experiment-options.js';

type Args = ExperimentArgs & { iteration?: number; event?: string[]; details?: boolean; json?: boolean };

export const logsCommand: CommandModule<object, Args> = {
  command: 'logs',
  describe: "The experiment's run.log, pretty-printed; filter by iteration and event kind",
  builder: (y) =>
    withExperimentOptions(y)
      .option('iteration', { type: 'number', describe: 'Only lines about this iteration' })
      .option('event', { type: 'string', array: true, describe: 'Only these event kinds (evaluation, checkpoint, progress, resume, ...)' })
      .option('details', { type: 'boolean', default: false, describe: 'Show every field of each line' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the matching JSON lines as they are' }) as never,
  handler: async (args) => {
    const { forEachExperimentLogLine, logFormatter } = await import('../../inspect/logs.js');
    const format = args.json ? (l: object) => JSON.stringify(l) : logFormatter({ colorize: process.stdout.isTTY === true, details: args.details });
    const filter = { iteration: args.iteration, event: args.event };
    const reading = await forEachExperimentLogLine(args.resultsDir, args.experiment, filter, (line) => process.stdout.write(`${format(line)}\n`));
    if (!reading.exists) process.stderr.write(`warning: ${reading.file} does not exist: the experiment has not logged anything yet\n`);
    if (reading.problem) process.stderr.write(`warning: ${reading.problem}\n`);
  },
};
