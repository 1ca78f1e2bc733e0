import type { CommandModule } from 'yargs';
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
      process.stdout.write(`${JSON.stringify({ data: { file: series.file, symbol: series.symbol }, ...gate }, null, 2)}\n`);
      return;
    }
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(
      `Features ${gate.features.join(', ')} of ${series.symbol} passed the look-ahead gate at ${gate.cuts.length} cuts: ${gate.cuts.join(', ')}\n`,
    );
  },
};
