import type { CommandModule } from 'yargs';
import { InterruptedError, UsageError } from '../../errors/index.js';
import { REDIS_URL_ENV, redisOptions, resolveRedisUrl } from '../../cluster/redis.js';
import { QUEUE_SECRET_ENV, resolveQueueSecret } from '../../cluster/signing.js';
import { checkWorkerNumbers, WORKER_NUMBERS } from '../../cluster/worker-options.js';
import { stopSignal } from '../signals.js';

type Args = {
  redis?: string;
  concurrency: unknown;
  resultsDir: string;
  stalledInterval: unknown;
  lockDuration: unknown;
  maxJobs?: unknown;
  quiet: boolean;
};

const range = (key: keyof typeof WORKER_NUMBERS) => `${WORKER_NUMBERS[key].range.min}-${WORKER_NUMBERS[key].range.max}`;

export const workerCommand: CommandModule<object, Args> = {
  command: 'worker',
  describe: 'Take walk-forward iterations from the queue and train them (run one or more on every machine)',
  builder: (y) =>
    y
      .option('redis', { type: 'string', describe: `Redis URL, redis://[user:password@]host[:port][/db] (default: $${REDIS_URL_ENV})` })
      // Numbers are read as text and checked here: yargs turns `abc` into NaN for a number option.
      .option('concurrency', { type: 'string', default: 1, describe: `Iterations trained at once by this process (${range('concurrency')})` })
      .option('results-dir', { type: 'string', default: 'results', describe: 'The shared results folder, mounted at the same path everywhere' })
      .option('stalled-interval', {
        type: 'string',
        default: 30000,
        describe: `Milliseconds between checks for jobs of dead workers (${range('stalledInterval')})`,
      })
      .option('lock-duration', {
        type: 'string',
        default: 30000,
        describe: `Milliseconds a job stays locked without a sign of life (${range('lockDuration')})`,
      })
      .option('max-jobs', { type: 'string', describe: `Stop after this many jobs (${range('maxJobs')})` })
      .option('quiet', { type: 'boolean', default: false, describe: 'Only warnings and errors of the iterations' })
      .epilogue(`Jobs and results are signed with $${QUEUE_SECRET_ENV} when it is set; coordinators and workers must share it.`) as never,
  handler: async (args) => {
    const redisUrl = resolveRedisUrl(args.redis);
    if (!redisUrl) throw new UsageError(`wfo worker needs a Redis server: pass --redis redis://host:6379 or set ${REDIS_URL_ENV}`);
    redisOptions(redisUrl);
    const numbers = checkWorkerNumbers(args as Record<string, unknown>);
    const secret = resolveQueueSecret();
    const [{ runClusterWorker }, { ConsoleOutput }] = await Promise.all([import('../../cluster/worker-runner.js'), import('../console-output.js')]);
    const output = new ConsoleOutput('none', args.quiet);
    const { jobs } = await runClusterWorker({
      redisUrl,
      resultsDir: args.resultsDir,
      ...numbers,
      secret,
      signal: stopSignal,
      say: (line) => process.stdout.write(`${line}\n`),
      onLog: output.log,
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
