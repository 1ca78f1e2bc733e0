import type { CommandModule } from 'yargs';
import { experimentRoot, withExperimentOptions, type ExperimentArgs } from '../experiment-options.js';
import { bytes, num, table } from '../format.js';

type Args = ExperimentArgs & { detailed?: boolean; json?: boolean };

export const listCommand: CommandModule<object, Args> = {
  command: 'list',
  describe: "List an experiment's checkpoints: status, validation and test Sharpe, size, file; BEST and LATEST marked",
  builder: (y) =>
    withExperimentOptions(y)
      .option('detailed', { type: 'boolean', default: false, describe: 'Add sha256 and window dates' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (args) => {
    const { listCheckpoints } = await import('../../inspect/listing.js');
    const list = await listCheckpoints(experimentRoot(args));
    for (const w of list.warnings) process.stderr.write(`warning: ${w}\n`);
    if (args.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    const header = ['iter', 'status', 'val sharpe', 'test sharpe', 'test return', 'size', 'date', 'file', ''];
    if (args.detailed) header.splice(8, 0, 'sha256', 'train', 'test');
    const rows = list.rows.map((r) => {
      const marks = [r.best ? 'BEST' : '', r.latest ? 'LATEST' : ''].filter(Boolean).join(' ');
      const row = [
        String(r.iteration),
        r.status,
        num(r.validationSharpe),
        num(r.testSharpe),
        num(r.testReturn),
        bytes(r.size),
        r.date.slice(0, 19).replace('T', ' '),
        r.file,
        marks,
      ];
      if (args.detailed)
        row.splice(
          8,
          0,
          r.sha256.slice(0, 16),
          `${r.trainStartDate ?? ''}..${r.trainEndDate ?? ''}`,
          `${r.testStartDate ?? ''}..${r.testEndDate ?? ''}`,
        );
      return row;
    });
    const f = list.footer;
    process.stdout.write(table([header, ...rows]) + '\n');
    process.stdout.write(
      `${f.iterations} iterations: ${f.models} with a model, ${f.placeholders} placeholders, ${f.pruned} pruned${f.damaged ? `, ${f.damaged} corrupt or missing (wfo verify --repair)` : ''}; ` +
        `${bytes(f.diskBytes)} on disk; latest iteration ${f.latestIteration ?? 'none'}; best ${f.bestIteration ?? 'none'}\n`,
    );
  },
};
