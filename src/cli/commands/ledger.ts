import type { CommandModule } from 'yargs';
import { num, table } from '../format.js';

type Args = { resultsDir: string; ledger: string; json?: boolean; trials?: boolean };

export const ledgerCommand: CommandModule<object, Args> = {
  command: 'ledger',
  describe: 'The trial ledger: per data set and test bars, every configuration tried, the best, and what luck gives the best of them',
  builder: (y) =>
    y
      .option('results-dir', { type: 'string', default: 'results', describe: 'Results folder whose ledgers to read (<results-dir>/_ledgers/)' })
      .option('ledger', { type: 'string', default: 'default', describe: 'Which ledger' })
      .option('trials', { type: 'boolean', default: false, describe: 'List every configuration of each search, best first' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' }) as never,
  handler: async (args) => {
    const [{ listLedger }, { checkLedgerName }] = await Promise.all([import('../../inspect/ledger.js'), import('../../store/trial-ledger.js')]);
    const listing = await listLedger(args.resultsDir, checkLedgerName(args.ledger));
    for (const w of listing.warnings) process.stderr.write(`warning: ${w}\n`);
    if (args.json) {
      process.stdout.write(JSON.stringify({ schemaVersion: 1, ...listing }, null, 2) + '\n');
      return;
    }
    const lines = [
      `Trial ledger ${listing.ledger} (${listing.file}): ${listing.searches.length} ${listing.searches.length === 1 ? 'search' : 'searches'}`,
    ];
    if (listing.searches.length)
      lines.push(
        table([
          ['data', 'sha256', 'test bars', 'tested', 'configurations', 'runs', 'best', 'best sharpe', 'luck gives the best', 'DSR of the best'],
          ...listing.searches.map((s) => [
            s.dataPath,
            s.dataSha256.slice(0, 12),
            `${s.testBars} in ${s.segments}`,
            s.firstTestDate && s.lastTestDate ? `${s.firstTestDate}..${s.lastTestDate}` : '-',
            String(s.configurations),
            String(s.runs),
            s.best ? (s.best.study ? `${s.best.study}/${s.best.experiment}` : s.best.experiment) : '-',
            num(s.best?.annualizedSharpe ?? null),
            num(s.annualizedExpectedMaxSharpe),
            num(s.bestDsr),
          ]),
        ]),
      );
    if (args.trials)
      for (const s of listing.searches) {
        lines.push(
          '',
          `${s.dataPath} (${s.dataSha256.slice(0, 12)}), ${s.testBars} test bars:`,
          table([
            ['experiment', 'seed', 'config', 'sharpe', 'finished'],
            ...s.trials.map((t) => [
              t.study ? `${t.study}/${t.experiment}` : t.experiment,
              String(t.seed),
              t.configHash.slice(0, 12),
              num(t.annualizedSharpe),
              t.finishedAt,
            ]),
          ]),
        );
      }
    if (listing.others.length) lines.push(`Other ledgers here: ${listing.others.join(', ')} (--ledger NAME)`);
    process.stdout.write(lines.join('\n') + '\n');
  },
};
