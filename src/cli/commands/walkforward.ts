import type { CommandModule } from 'yargs';
import { runWalkForward } from '../../walkforward/pipeline.js';
import { planExperiment } from '../../walkforward/plan.js';
import { experimentPaths } from '../../walkforward/paths.js';
import { UsageError } from '../../errors/index.js';
import { resolveConfig, withConfigOptions, type ConfigArgs } from '../options.js';
import { configDisplay } from '../format.js';
import { stopSignal } from '../signals.js';

type Args = ConfigArgs & { experiment: string; quiet?: boolean; fresh?: boolean; force?: boolean; resume?: string };

export const walkforwardCommand: CommandModule<object, Args> = {
  command: 'walkforward',
  describe: 'Run the walk-forward optimization; running it again resumes where it stopped',
  builder: (y) =>
    withConfigOptions(y)
      .option('experiment', { type: 'string', demandOption: true, describe: 'Experiment id; results go to <results-dir>/<id>/' })
      .option('fresh', { type: 'boolean', default: false, describe: 'Start over; the old folder is moved to <id>.old-<time>, never deleted' })
      .option('force', { type: 'boolean', default: false, describe: 'Resume even though the config or data changed (recorded)' })
      .option('resume', { type: 'string', describe: 'Continue from this training checkpoint zip' })
      .option('quiet', { type: 'boolean', default: false, describe: 'Print only errors and the final summary' }) as never,
  handler: async (args) => {
    if (!/^[A-Za-z0-9._-]+$/.test(args.experiment) || args.experiment.startsWith('.')) {
      throw new UsageError(`--experiment "${args.experiment}": use letters, digits, '.', '_' or '-' only, not starting with '.'`);
    }
    if (args.fresh && args.resume) throw new UsageError('--fresh and --resume contradict each other; choose one');
    const { config, warnings } = resolveConfig(args);
    const say = (line: string) => {
      if (!args.quiet) process.stdout.write(line + '\n');
    };
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    say(configDisplay(config, planExperiment(config), experimentPaths(config.resultsDir, args.experiment).root));
    const { summary, paths } = await runWalkForward(config, {
      experiment: args.experiment,
      log: say,
      signal: stopSignal,
      fresh: args.fresh,
      force: args.force,
      resumeFrom: args.resume,
    });
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
