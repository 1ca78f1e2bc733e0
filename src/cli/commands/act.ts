import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors/index.js';
import { experimentRoot, withExperimentOptions, type ExperimentArgs } from '../experiment-options.js';
import { table } from '../format.js';

type Args = ExperimentArgs & { data?: string; held?: string; json?: boolean };

/** The version of `wfo act --json`'s schema: a trading script checks it before reading the fields. */
export const ACT_SCHEMA_VERSION = 1;

const NAMED: Record<string, number> = { short: -1, flat: 0, long: 1 };

export const actCommand: CommandModule<object, Args> = {
  command: 'act',
  describe: "Print the production model's position to hold from the next bar on, per instrument, on the newest data",
  builder: (y) =>
    withExperimentOptions(y)
      .option('data', { type: 'string', describe: "Data file with the newest bars (default: the experiment's data)" })
      .option('held', {
        type: 'string',
        describe:
          "Positions held now (short, flat, long or a number; one for all instruments or comma-separated, one each); default: the model's own path",
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON (a stable schema, schemaVersion 1)' }) as never,
  handler: async (args) => {
    const [{ act }, { selectBackend }] = await Promise.all([import('../../inspect/act.js'), import('../../backend/select-backend.js')]);
    await selectBackend('auto');
    const answer = await act(experimentRoot(args), { data: args.data, held: args.held === undefined ? null : parseHeld(args.held) });
    if (args.json) {
      process.stdout.write(JSON.stringify({ schemaVersion: ACT_SCHEMA_VERSION, ...answer }, null, 2) + '\n');
      return;
    }
    const word = (p: number) => (p < 0 ? 'short' : p > 0 ? 'long' : 'flat') + (Math.abs(p) === 1 || p === 0 ? '' : ` ${p}`);
    const asOf = answer.asOf.date ?? `row ${answer.asOf.row + 1}`;
    process.stdout.write(
      [
        `Production model of ${answer.experiment} (${answer.model.file}, trained to ${answer.model.trainedTo ?? 'its last row'}) on ${answer.data}`,
        `Position to hold from the bar after ${asOf} on:`,
        table([
          ['instrument', 'held', 'position', `scores (${answer.positions.map(word).join(', ')})`],
          ...answer.instruments.map((i) => [i.symbol, word(i.held), word(i.position), i.scores.map((s) => s.toFixed(4)).join(', ')]),
        ]),
        `The study behind it: ${answer.luck.verdict}.`,
        ...answer.warnings.map((w) => `warning: ${w}`),
      ].join('\n') + '\n',
    );
  },
};

function parseHeld(text: string): number[] {
  return text.split(',').map((part) => {
    const word = part.trim().toLowerCase();
    const value = word in NAMED ? NAMED[word] : Number(word);
    if (word === '' || !Number.isFinite(value))
      throw new UsageError(`--held ${JSON.stringify(text)}: expected short, flat, long or a number, comma-separated`);
    return value;
  });
}
