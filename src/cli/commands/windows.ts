import type { CommandModule } from 'yargs';
import { resolveConfig, withConfigOptions, type ConfigArgs } from '../options.js';
import { windowsTable } from '../format.js';

type Args = ConfigArgs & { json?: boolean };

export const windowsCommand: CommandModule<object, Args> = {
  command: 'windows',
  describe: 'Print the walk-forward plan (segment bounds and dates) without training',
  builder: (y) => withConfigOptions(y).option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (args) => {
    const { config, warnings } = await resolveConfig(args);
    const { planExperiment } = await import('../../plan/plan.js');
    const plan = await planExperiment(config);
    if (args.json) {
      const out = { data: { file: plan.series.file, rows: plan.series.rows, sha256: plan.series.sha256 }, windows: plan.windows };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      return;
    }
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`${plan.windows.length} windows over ${plan.series.rows} rows of ${plan.series.file}\n`);
    process.stdout.write(windowsTable(plan.windows) + '\n');
  },
};
