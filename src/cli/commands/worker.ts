import type { CommandModule } from 'yargs';
import { InterruptedError, UsageError } from '../../errors/index.js';
import { REDIS_URL_ENV, resolveRedisUrl } from '../../cluster/redis.js';
import { stopSignal } from '../signals.js';

type Args = {
  redis?: string;
  concurrency: number;
  resultsDir: string;
  stalledInterval: number;
  lockDuration: number;
  maxJobs?: number;
  quiet: boolean;
};

export const workerCommand: CommandModule<object, Args> = {
  command: 'worker',
  describe: 'Take walk-forward iterations from the queue and train them (run one or more on every machine)',
  builder: (y) =>
    y
      .option('redis', { type: 'string', describe: `Redis URL, redis://[user:password@]host[:port][/db] (default: $${REDIS_URL_ENV})` })
      .option('concurrency', { type: 'number', default: 1, describe: 'Iterations trained at once by this process' })
      .option('results-dir', { type: 'string', default: 'results', describe: 'The shared results folder, mounted at the same path everywhere' })
      .option('stalled-interval', { type: 'number', default: 30000, describe: 'Milliseconds between checks for jobs of dead workers' })
      .option('lock-duration', { type: 'number', default: 30000, describe: 'Milliseconds a job stays locked without a sign of life' })
      .option('max-jobs', { type: 'number', describe: 'Stop after this many jobs' })
      .option('quiet', { type: 'boolean', default: false, describe: 'Only warnings and errors of the iterations' }) as never,
  handler: async (args) => {
    const redisUrl = resolveRedisUrl(args.redis);
    if (!redisUrl) throw new UsageError(`wfo worker needs a Redis server: pass --redis redis://host:6379 or set ${REDIS_URL_ENV}`);
    if (!Number.isInteger(args.concurrency) || args.concurrency < 1)
      throw new UsageError(`--concurrency ${args.concurrency}: use a whole number of at least 1`);
    const [{ runClusterWorker }, { ConsoleOutput }] = await Promise.all([import('../../cluster/worker-runner.js'), import('../console-output.js')]);
    const output = new ConsoleOutput('none', args.quiet);
    const { jobs } = await runClusterWorker({
      redisUrl,
      resultsDir: args.resultsDir,
      concurrency: args.concurrency,
      signal: stopSignal,
      say: (line) => process.stdout.write(`${line}\n`),
      onLog: output.log,
      stalledInterval: args.stalledInterval,
      lockDuration: args.lockDuration,
      maxJobs: args.maxJobs,
    });
    if (stopSignal.aborted) {
      const reason = String(stopSignal.reason ?? 'SIGTERM');
      throw new InterruptedError(
        reason,
        `worker stopped by ${reason} after ${jobs} jobs; running iterations saved a checkpoint and went back to the queue`,
      );
    }
    process.stdout.write(`worker stopped after ${jobs} jobs\n`);
  },
};
