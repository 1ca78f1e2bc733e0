import type { CommandModule } from 'yargs';
import { withExperimentOptions, type ExperimentArgs } from '../experiment-options.js';

type Args = ExperimentArgs & { json?: boolean; follow?: boolean };

export const statusCommand: CommandModule<object, Args> = {
  command: 'status',
  describe: 'Where an experiment stands: running (holder, step, steps/s, ETA, last checkpoint), or how it stopped and what rerunning does',
  builder: (y) =>
    withExperimentOptions(y)
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON (one object per refresh with --follow)' })
      .option('follow', { type: 'boolean', default: false, describe: 'Refresh every second until the run ends' }) as never,
  handler: async (args) => {
    const { experimentStatus, formatStatus } = await import('../../inspect/status.js');
    const clear = args.follow && !args.json && process.stdout.isTTY ? '\x1b[2J\x1b[H' : '';
    for (;;) {
      const status = await experimentStatus(args.resultsDir, args.experiment);
      process.stdout.write(args.json ? `${JSON.stringify(status, null, args.follow ? undefined : 2)}\n` : `${clear}${formatStatus(status)}\n`);
      if (!args.follow || status.state !== 'running') return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  },
};
