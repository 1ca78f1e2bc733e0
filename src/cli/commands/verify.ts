import type { CommandModule } from 'yargs';
import { PipelineError } from '../../errors/index.js';
import { experimentPaths } from '../../store/layout.js';

type Args = { experiment: string; resultsDir: string; repair?: boolean; json?: boolean };

class VerifyFailedError extends PipelineError {
  override readonly name = 'VerifyFailedError' as const;
}

export const verifyCommand: CommandModule<object, Args> = {
  command: 'verify',
  describe:
    'Check every checkpoint zip and record of an experiment, and the index against the disk (exit 0 ok, 1 problems); a damaged TensorBoard file is a warning',
  builder: (y) =>
    y
      .option('experiment', { type: 'string', demandOption: true, describe: 'Experiment id' })
      .option('results-dir', { type: 'string', default: 'results', describe: 'Parent folder of experiment folders' })
      .option('repair', {
        type: 'boolean',
        default: false,
        describe:
          'Restore broken models from intact copies, rebuild the index from what verifies, remove temporary leftovers, cut damaged TensorBoard files back to their good records; exit 1 if problems remain',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' }) as never,
  handler: async (args) => {
    const { verifyExperiment } = await import('../../inspect/verify.js');
    const root = experimentPaths(args.resultsDir, args.experiment).root;
    const report = await verifyExperiment(root, args.experiment, { repair: args.repair });
    if (args.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else {
      const warned = report.warnings.length ? `, ${report.warnings.length} warning(s)` : '';
      process.stdout.write(`${root}: ${report.verified} files verified, ${report.problems.length} problem(s)${warned}\n`);
      for (const p of report.problems) process.stdout.write(`  - ${p}\n`);
      for (const w of report.warnings) process.stdout.write(`  warning: ${w}\n`);
      for (const r of report.repaired) process.stdout.write(`  repaired: ${r}\n`);
      for (const l of report.lost) process.stdout.write(`  lost: ${l}\n`);
      if (args.repair && report.problems.length) {
        process.stdout.write(report.ok ? 'no problem remains\n' : `${report.remaining.length} problem(s) remain:\n`);
        for (const p of report.ok ? [] : report.remaining) process.stdout.write(`  - ${p}\n`);
      }
    }
    if (!report.ok) {
      throw new VerifyFailedError(
        args.repair
          ? `${report.remaining.length} problem(s) remain in ${root} after the repair; see the lost lines above`
          : `${report.problems.length} problem(s) found in ${root}; --repair restores what has an intact copy and rebuilds the index from what verifies`,
      );
    }
  },
};
