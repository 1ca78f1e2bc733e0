import type { CommandModule } from 'yargs';
import { resolveConfig, withConfigOptions, type ConfigArgs } from '../options.js';
import { panelOf, windowsTable } from '../format.js';
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
      const { file, rows, sha256, symbol, symbols, panel } = plan.series;
      // A panel run trades every instrument: no symbol is the traded one.
      const out = { data: { file, rows, sha256, symbol: panel ? null : symbol, symbols }, windows: plan.windows, coverage: plan.coverage };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      return;
    }
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    const panel = plan.series.panel ? ` (${panelOf(plan.series.panel.length)})` : '';
    process.stdout.write(`${plan.windows.length} windows over ${plan.series.rows} rows of ${plan.series.file}${panel}\n`);
    process.stdout.write(windowsTable(plan.windows) + '\n');
    for (const line of coverageLines(plan.coverage)) process.stdout.write(`${line}\n`);
  },
};
