import type { CommandModule } from 'yargs';
import { experimentRoot, withExperimentOptions, type ExperimentArgs } from '../experiment-options.js';
import { num, table } from '../format.js';

type Args = ExperimentArgs & { iteration: number; data?: string; from?: string; to?: string; json?: boolean };

export const evaluateCommand: CommandModule<object, Args> = {
  command: 'evaluate',
  describe: 'Run a preserved model greedily on any slice of data and compare it with buy-and-hold',
  builder: (y) =>
    withExperimentOptions(y)
      .option('iteration', { type: 'number', demandOption: true, describe: 'Iteration whose preserved model to run' })
      .option('data', { type: 'string', describe: "CSV to run on (default: the experiment's data)" })
      .option('from', { type: 'string', describe: 'First bar: row number or date (default: the iteration test segment)' })
      .option('to', { type: 'string', describe: 'End, exclusive: row number or date' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (args) => {
    const [{ evaluateCheckpoint }, { selectBackend }] = await Promise.all([
      import('../../inspect/evaluate-checkpoint.js'),
      import('../../backend/select-backend.js'),
    ]);
    await selectBackend('auto');
    const r = await evaluateCheckpoint(experimentRoot(args), args.iteration, { data: args.data, from: args.from, to: args.to });
    if (args.json) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      return;
    }
    const span = r.fromDate ? ` (${r.fromDate}..${r.toDate})` : '';
    const row = (name: string, m: typeof r.strategy) => [
      name,
      num(m.totalReturn),
      num(m.cagr),
      num(m.sharpe),
      num(m.sortino),
      num(m.maxDrawdown),
      String(m.numTrades),
      num(m.exposure, 2),
    ];
    process.stdout.write(
      `Iteration ${r.iteration} on ${r.data} rows [${r.from}, ${r.to})${span}, ${r.bars} bars\n` +
        table([
          ['', 'return', 'cagr', 'sharpe', 'sortino', 'max dd', 'trades', 'exposure'],
          row('model', r.strategy),
          row('buy-and-hold', r.buyAndHold),
        ]) +
        '\n',
    );
  },
};
