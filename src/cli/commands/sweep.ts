import type { CommandModule } from 'yargs';
import { REDIS_WAIT_ENV, resolveRedisUrl, resolveRedisWait } from '../../cluster/redis.js';
import { resolveQueueSecret } from '../../cluster/signing.js';
import { checkPointCount, DEFAULT_MAX_POINTS, readSweepFile } from '../../cluster/sweep-file.js';
import { UsageError } from '../../errors/index.js';
import { clip } from '../../errors/index.js';
import { stopSignal } from '../signals.js';

type Args = {
  config: string;
  redis?: string;
  redisWait?: unknown;
  resultsDir?: string;
  maxPoints?: unknown;
  ledger?: string;
  quiet: boolean;
  charts: boolean;
  logLevel: string;
};

export const sweepCommand: CommandModule<object, Args> = {
  command: 'sweep',
  describe: 'Run a study: a base config and a grid or list of settings, one experiment per point, then a study summary and report',
  builder: (y) =>
    y
      .option('config', {
        type: 'string',
        demandOption: true,
        describe: 'Sweep file (.yaml or .json): base, grid, list, study, resultsDir, maxPoints',
      })
      .option('results-dir', {
        type: 'string',
        describe: "Parent folder of the study folder (default: the sweep file's resultsDir, else the base config's)",
      })
      .option('max-points', {
        type: 'string',
        describe: `Refuse a sweep of more points than this (default: maxPoints in the sweep file, else ${DEFAULT_MAX_POINTS})`,
      })
      .option('ledger', {
        type: 'string',
        describe:
          "Trial ledger every point is counted in, beside the study folder (<results-dir>/_ledgers/<name>.jsonl; default: the base config's ledger.name)",
      })
      .option('redis', { type: 'string', describe: 'Send every iteration of every point to the queue (default: $WFO_REDIS_URL; else run here)' })
      .option('redis-wait', {
        type: 'string',
        describe: `With --redis: seconds Redis may stay unreachable before the study fails, 1-86400 (default: $${REDIS_WAIT_ENV}, else 30)`,
      })
      .option('charts', { type: 'boolean', default: true, describe: 'Draw PNG plots and reports of each point (--no-charts to skip)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'Only warnings, errors and the final summary' })
      .option('log-level', {
        type: 'string',
        default: 'warn',
        choices: ['trace', 'debug', 'info', 'warn', 'error'],
        describe: 'Level of the points’ logs on the console',
      }) as never,
  handler: async (args) => {
    const maxPoints = args.maxPoints === undefined ? undefined : parseMaxPoints(args.maxPoints);
    const redisUrl = resolveRedisUrl(args.redis);
    const redisWaitMs = resolveRedisWait(args.redisWait) * 1000;
    const queueSecret = redisUrl ? resolveQueueSecret() : null;
    // A sweep too large is refused before the pipeline's modules load (half a second and 50 MB on a small machine).
    checkPointCount(args.config, readSweepFile(args.config, maxPoints), maxPoints);
    const [{ runSweep }, { ConsoleOutput }, { layout }] = await Promise.all([
      import('../../cluster/sweep.js'),
      import('../console-output.js'),
      import('../../store/layout.js'),
    ]);
    const output = new ConsoleOutput('none', args.quiet);
    const say = (line: string) => !args.quiet && process.stdout.write(`${line}\n`);
    const { plan, summary } = await runSweep(args.config, {
      redisUrl,
      resultsDir: args.resultsDir,
      ledger: args.ledger,
      maxPoints,
      redisWaitMs,
      queueSecret,
      onLog: output.log,
      logLevel: args.logLevel,
      charts: args.charts,
      signal: stopSignal,
      onCount: (study, count) => say(`study ${study}: planning ${count} ${count === 1 ? 'point' : 'points'} of ${args.config}`),
      onPlanned: (plan) => {
        if (plan.duplicates.length) say(duplicatesLine(plan.duplicates, args.config));
      },
      onPoint: (id, problem) => say(problem ? `point ${id} did not finish: ${problem.split('\n')[0]}` : `point ${id} finished`),
    });
    const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
    const t = summary.trials;
    process.stdout.write(
      [
        `Study ${plan.study}: ${t.count} of ${summary.points.length} points finished` +
          (summary.duplicates.length
            ? ` (${summary.duplicates.length} duplicate ${summary.duplicates.length === 1 ? 'point' : 'points'} ran once)`
            : ''),
        ...summary.points.map(
          (p) =>
            `  ${p.id}: sharpe ${fmt(p.stitched?.strategy.sharpe)} vs buy-and-hold ${fmt(p.stitched?.buyAndHold.sharpe)}; ${p.qualified}/${p.iterations} qualified`,
        ),
        t.best
          ? `  deflated Sharpe of the best (${t.best}) among the points: ${fmt(t.deflatedSharpe.value)}; PBO ${fmt(t.pbo.value)}`
          : `  no best point: ${t.bestReason}; PBO ${fmt(t.pbo.value)}`,
        ...(summary.ledger ? [`  the best point, judged by trial ledger ${summary.ledger.trials.ledger}: ${summary.ledger.sentence}`] : []),
        `  ${plan.dir}/${layout.study.summary} and ${layout.study.report}`,
      ].join('\n') + '\n',
    );
  },
};

function parseMaxPoints(value: unknown): number {
  const text = String(value).trim();
  const n = Number(text);
  if (text === '' || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-points: got ${clip(text)}; expected a whole number >= 1`);
  return n;
}

function duplicatesLine(duplicates: Array<{ settings: Record<string, unknown>; sameAs: string }>, file: string): string {
  const shown = duplicates.slice(0, 3).map((d) => `${JSON.stringify(d.settings)} = ${d.sameAs}`);
  const more = duplicates.length > 3 ? `, and ${duplicates.length - 3} more` : '';
  return `${file}: ${duplicates.length} ${duplicates.length === 1 ? 'point computes' : 'points compute'} the same as another and will run, and count, once: ${shown.join('; ')}${more}`;
}
