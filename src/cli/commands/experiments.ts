import type { CommandModule } from 'yargs';
import { bytes, table } from '../format.js';

type Args = { resultsDir: string; json?: boolean };

export const experimentsCommand: CommandModule<object, Args> = {
  command: 'experiments',
  describe: 'Every experiment under the results folder: running, interrupted or finished, and its size',
  builder: (y) =>
    y
      .option('results-dir', { type: 'string', default: 'results', describe: 'Parent folder of experiment folders' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (args) => {
    const { listExperiments } = await import('../../inspect/experiments.js');
    const rows = await listExperiments(args.resultsDir);
    for (const r of rows)
      if (r.problem) process.stderr.write(`warning: ${r.experiment}: ${r.problem}; wfo verify --repair --experiment ${r.experiment} rewrites it\n`);
    if (args.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return;
    }
    if (!rows.length) {
      process.stdout.write(`no experiments under ${args.resultsDir}\n`);
      return;
    }
    process.stdout.write(
      table([
        ['experiment', 'status', 'iterations', 'size', 'updated'],
        ...rows.map((r) => [r.experiment, r.status, String(r.iterationsDone), bytes(r.sizeBytes), r.updatedAt.slice(0, 19).replace('T', ' ')]),
      ]) + '\n',
    );
  },
};
