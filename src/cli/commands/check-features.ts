import type { CommandModule } from 'yargs';
import { panelOf } from '../format.js';
import { resolveConfig, withConfigOptions, type ConfigArgs } from '../options.js';

type Args = ConfigArgs & { json?: boolean };

export const checkFeaturesCommand: CommandModule<object, Args> = {
  command: 'check-features',
  describe: 'Run the look-ahead gate alone: every feature computed on all the data and on the data cut at seeded dates must agree up to each cut',
  builder: (y) => withConfigOptions(y).option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (args) => {
    const { config, warnings } = await resolveConfig(args);
    const { planExperiment } = await import('../../plan/plan.js');
    const { gate, series } = await planExperiment(config);
    if (args.json) {
      const data = series.panel ? { file: series.file, symbols: series.symbols } : { file: series.file, symbol: series.symbol };
      process.stdout.write(`${JSON.stringify({ data, ...gate }, null, 2)}\n`);
      return;
    }
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    // A panel's every instrument went through the gate: its SQL features together, its built-ins one by one.
    const of = series.panel ? `the ${panelOf(series.panel.length)}` : series.symbol;
    process.stdout.write(
      `Features ${gate.features.join(', ')} of ${of} passed the look-ahead gate at ${gate.cuts.length} cuts: ${gate.cuts.join(', ')}\n`,
    );
  },
};
