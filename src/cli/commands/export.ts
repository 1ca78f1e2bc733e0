import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors/index.js';
import { withExperimentOptions, type ExperimentArgs } from '../experiment-options.js';

type Args = ExperimentArgs & { iteration?: number; production?: boolean; format: 'onnx' | 'tfjs'; out?: string; json?: boolean };

export const exportCommand: CommandModule<object, Args> = {
  command: 'export',
  describe: "Write a model's greedy policy as ONNX (or tfjs) with a JSON beside it saying how to build its input",
  builder: (y) =>
    withExperimentOptions(y)
      .option('iteration', { type: 'number', describe: 'Iteration whose preserved model to export' })
      .option('production', { type: 'boolean', describe: "Export the experiment's production model instead" })
      .option('format', { choices: ['onnx', 'tfjs'] as const, default: 'onnx' as const, describe: 'File format' })
      .option('out', { type: 'string', describe: 'Folder to write (default: exports/<iter_N|production>_<format> in the experiment)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (args) => {
    if ((args.iteration === undefined) === !args.production) throw new UsageError('wfo export: give either --iteration N or --production');
    const [{ exportPolicy }, { experimentToRead }, { selectBackend }] = await Promise.all([
      import('../../inspect/export-policy.js'),
      import('../../inspect/experiment-folder.js'),
      import('../../backend/select-backend.js'),
    ]);
    // An unknown id, a study or a folder that is not ours is refused before anything is written into it.
    const { root } = await experimentToRead(args.resultsDir, args.experiment);
    await selectBackend('auto');
    const r = await exportPolicy(root, {
      source: args.production ? 'production' : { iteration: args.iteration as number },
      format: args.format,
      out: args.out,
    });
    if (args.json) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      return;
    }
    process.stdout.write(
      `Exported the ${r.policy === 'vote' ? 'vote' : 'greedy'} policy of ${r.model} to ${r.folder} (${r.files.join(', ')}); actions are positions ${JSON.stringify(r.positions)}\n`,
    );
  },
};
