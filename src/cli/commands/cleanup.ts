import type { CommandModule } from 'yargs';
import { experimentRoot, withExperimentOptions, type ExperimentArgs } from '../experiment-options.js';
import { bytes } from '../format.js';

type Args = ExperimentArgs & { keepEvery?: number; keepLast?: number; keepBest: boolean; dryRun?: boolean; archive?: boolean; json?: boolean };

export const cleanupCommand: CommandModule<object, Args> = {
  command: 'cleanup',
  describe: 'Free disk by pruning preserved models; never the best, the newest, a record, or a running experiment',
  builder: (y) =>
    withExperimentOptions(y)
      .option('keep-every', { type: 'number', describe: 'Keep iterations whose number is a multiple of N' })
      .option('keep-last', { type: 'number', describe: 'Keep the newest N preserved models' })
      .option('keep-best', {
        type: 'boolean',
        default: true,
        describe: "Keep the best iteration's model (--no-keep-best to allow pruning it; best_model.zip stays)",
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and the bytes it would free; change nothing' })
      .option('archive', { type: 'boolean', default: false, describe: 'Move pruned zips into archive/pruned-<time>.zip instead of deleting' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (args) => {
    const { cleanupCheckpoints } = await import('../../retention/cleanup.js');
    const result = await cleanupCheckpoints(experimentRoot(args), {
      keepEvery: args.keepEvery,
      keepLast: args.keepLast,
      keepBest: args.keepBest,
      dryRun: args.dryRun,
      archive: args.archive,
    });
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    for (const r of result.resumed) process.stdout.write(`${r}\n`);
    if (args.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      return;
    }
    const doomed = result.plan.filter((r) => !r.keep);
    process.stdout.write(`Keeping ${result.plan.length - doomed.length} of ${result.plan.length} preserved models (${result.rules})\n`);
    for (const r of result.plan)
      process.stdout.write(
        `  ${r.keep ? 'keep  ' : result.dryRun ? 'would remove' : 'remove'} iteration ${r.iteration}  ${r.file}  ${bytes(r.size)}${r.keep ? `  (${r.keptBy})` : ''}\n`,
      );
    if (result.dryRun) process.stdout.write(`Dry run: would free ${bytes(result.bytesFreed)}; nothing changed\n`);
    else {
      process.stdout.write(
        `Freed ${bytes(result.bytesFreed)}${result.archive ? `; pruned models archived in ${result.archive}` : ''}; journal: ${result.journal}\n`,
      );
    }
  },
};
