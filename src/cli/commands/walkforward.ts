import type { CommandModule } from 'yargs';
import { runWalkForward } from '../../walkforward/pipeline.js';
import { planExperiment } from '../../walkforward/plan.js';
import { experimentPaths } from '../../walkforward/paths.js';
import { UsageError } from '../../errors/index.js';
import { resolveConfig, withConfigOptions, type ConfigArgs } from '../options.js';
import { configDisplay } from '../format.js';

type Args = ConfigArgs & { experiment: string; quiet?: boolean };

export const walkforwardCommand: CommandModule<object, Args> = {
  command: 'walkforward',
  describe: 'Run the walk-forward optimization: train, select, preserve and evaluate out of sample in every window',
  builder: (y) =>
    withConfigOptions(y)
      .option('experiment', { type: 'string', demandOption: true, describe: 'Experiment id; results go to <results-dir>/<id>/' })
      .option('quiet', { type: 'boolean', default: false, describe: 'Print only errors and the final summary' }) as never,
  handler: async (args) => {
    if (!/^[A-Za-z0-9._-]+$/.test(args.experiment)) {
      throw new UsageError(`--experiment "${args.experiment}": use letters, digits, '.', '_' or '-' only`);
    }
    const { config, warnings } = resolveConfig(args);
    const say = (line: string) => {
      if (!args.quiet) process.stdout.write(line + '\n');
    };
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    say(configDisplay(config, planExperiment(config), experimentPaths(config.resultsDir, args.experiment).root));
    const { summary, paths } = await runWalkForward(config, { experiment: args.experiment, log: say });
    const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
    process.stdout.write(
      [
        `Finished experiment ${args.experiment} in ${summary.totalSeconds.toFixed(1)}s: ${summary.qualified} of ${summary.iterations.length} iterations preserved a model`,
        `  out of sample (${summary.stitched.bars} bars): sharpe ${fmt(summary.stitched.strategy.sharpe)}, return ${fmt(summary.stitched.strategy.totalReturn)}; buy-and-hold sharpe ${fmt(summary.stitched.buyAndHold.sharpe)}, return ${fmt(summary.stitched.buyAndHold.totalReturn)}`,
        `  results in ${paths.root}`,
      ].join('\n') + '\n',
    );
  },
};
