import type { CommandModule } from 'yargs';
import { resolveConfig, withConfigOptions, type ConfigArgs } from '../options.js';
import { windowsTable } from '../format.js';
import { coverageLines } from '../../plan/window-coverage.js';

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
      const { file, rows, sha256, symbol, symbols } = plan.series;
      const out = { data: { file, rows, sha256, symbol, symbols }, windows: plan.windows, coverage: plan.coverage };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      return;
    }
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`${plan.windows.length} windows over ${plan.series.rows} rows of ${plan.series.file}\n`);
    process.stdout.write(windowsTable(plan.windows) + '\n');
    for (const line of coverageLines(plan.coverage)) process.stdout.write(`${line}\n`);
  },
};
