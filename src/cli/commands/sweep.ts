import type { CommandModule } from 'yargs';
import { REDIS_WAIT_ENV, resolveRedisUrl, resolveRedisWait } from '../../cluster/redis.js';
import { resolveQueueSecret } from '../../cluster/signing.js';
import { stopSignal } from '../signals.js';

type Args = { config: string; redis?: string; redisWait?: unknown; quiet: boolean; charts: boolean; logLevel: string };

export const sweepCommand: CommandModule<object, Args> = {
  command: 'sweep',
  describe: 'Run a study: a base config and a grid or list of settings, one experiment per point, then a study summary and report',
  builder: (y) =>
    y
      .option('config', { type: 'string', demandOption: true, describe: 'Sweep file (.yaml or .json): base, grid, list, study, resultsDir' })
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
    const redisUrl = resolveRedisUrl(args.redis);
    const redisWaitMs = resolveRedisWait(args.redisWait) * 1000;
    const queueSecret = redisUrl ? resolveQueueSecret() : null;
    const [{ runSweep }, { ConsoleOutput }, { layout }] = await Promise.all([
      import('../../cluster/sweep.js'),
      import('../console-output.js'),
      import('../../store/layout.js'),
    ]);
    const output = new ConsoleOutput('none', args.quiet);
    const say = (line: string) => !args.quiet && process.stdout.write(`${line}\n`);
    const { plan, summary } = await runSweep(args.config, {
      redisUrl,
      redisWaitMs,
      queueSecret,
      onLog: output.log,
      logLevel: args.logLevel,
      charts: args.charts,
      signal: stopSignal,
      onPoint: (id, problem) => say(problem ? `point ${id} did not finish: ${problem.split('\n')[0]}` : `point ${id} finished`),
    });
    const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
    process.stdout.write(
      [
        `Study ${plan.study}: ${summary.trials.count} of ${summary.points.length} points finished`,
        ...summary.points.map(
          (p) =>
            `  ${p.id}: sharpe ${fmt(p.stitched?.strategy.sharpe)} vs buy-and-hold ${fmt(p.stitched?.buyAndHold.sharpe)}; ${p.qualified}/${p.iterations} qualified`,
        ),
        `  deflated Sharpe of the best (${summary.trials.best ?? 'none'}): ${fmt(summary.trials.deflatedSharpe.value)}; PBO ${fmt(summary.trials.pbo.value)}`,
        `  ${plan.dir}/${layout.study.summary} and ${layout.study.report}`,
      ].join('\n') + '\n',
    );
  },
};
