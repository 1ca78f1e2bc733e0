import type { CommandModule } from 'yargs';
import { bytes, table } from '../format.js';

type Args = { resultsDir: string; json?: boolean };

const date = (iso: string) => iso.slice(0, 19).replace('T', ' ');

export const experimentsCommand: CommandModule<object, Args> = {
  command: 'experiments',
  describe: 'Every experiment and study under the results folder: running, interrupted or finished, and its size',
  builder: (y) =>
    y.option('results-dir', { type: 'string', default: 'results', describe: 'Parent folder of experiment and study folders' }).option('json', {
      type: 'boolean',
      default: false,
      describe: 'Print JSON: one row per experiment, then per study (kind tells which)',
    }) as never,
  handler: async (args) => {
    const { listExperiments, listStudies } = await import('../../inspect/experiments.js');
    const rows = await listExperiments(args.resultsDir);
    const studies = await listStudies(args.resultsDir);
    for (const r of rows)
      if (r.problem) process.stderr.write(`warning: ${r.experiment}: ${r.problem}; wfo verify --repair --experiment ${r.experiment} rewrites it\n`);
    for (const s of studies) if (s.problem) process.stderr.write(`warning: study ${s.study}: ${s.problem}\n`);
    if (args.json) {
      process.stdout.write(JSON.stringify([...rows, ...studies], null, 2) + '\n');
      return;
    }
    if (!rows.length && !studies.length) {
      process.stdout.write(`no experiments under ${args.resultsDir}\n`);
      return;
    }
    if (rows.length)
      process.stdout.write(
        table([
          ['experiment', 'status', 'iterations', 'size', 'updated'],
          ...rows.map((r) => [r.experiment, r.status, String(r.iterationsDone), bytes(r.sizeBytes), date(r.updatedAt)]),
        ]) + '\n',
      );
    if (studies.length) {
      const states = (s: (typeof studies)[number]) =>
        Object.entries(s.pointStates)
          .filter(([, n]) => n > 0)
          .map(([state, n]) => `${n} ${state}`)
          .join(', ') || '-';
      process.stdout.write(
        (rows.length ? '\n' : '') +
          table([
            ['study', 'status', 'points', 'point states', 'size', 'updated'],
            ...studies.map((s) => [s.study, s.status, String(s.points), states(s), bytes(s.sizeBytes), date(s.updatedAt)]),
          ]) +
          '\n',
      );
    }
  },
};
