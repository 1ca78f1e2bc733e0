import type { CommandModule } from 'yargs';
import { experimentPaths } from '../../store/layout.js';
import { resolveConfig, withConfigOptions, type ConfigArgs } from '../options.js';
import { stopSignal } from '../signals.js';
import { REDIS_WAIT_ENV, resolveRedisUrl, resolveRedisWait } from '../../cluster/redis.js';
import { resolveQueueSecret } from '../../cluster/signing.js';
import type { ModelCard, WalkforwardSummary } from '../../records/index.js';

type Args = ConfigArgs & {
  experiment: string;
  quiet?: boolean;
  fresh?: boolean;
  force?: boolean;
  resume?: string;
  logLevel: string;
  charts: boolean;
  workers: string;
  redis?: string;
  redisWait?: unknown;
};

export const walkforwardCommand: CommandModule<object, Args> = {
  command: 'walkforward',
  describe: 'Run the walk-forward optimization; running it again resumes where it stopped',
  builder: (y) =>
    withConfigOptions(y)
      .option('experiment', { type: 'string', demandOption: true, describe: 'Experiment id; results go to <results-dir>/<id>/' })
      .option('fresh', { type: 'boolean', default: false, describe: 'Start over; the old folder is moved to <id>.old-<time>, never deleted' })
      .option('force', { type: 'boolean', default: false, describe: 'Resume even though the config or data changed (recorded)' })
      .option('resume', { type: 'string', describe: 'Continue from this training checkpoint zip' })
      .option('ledger', {
        type: 'string',
        describe: 'Trial ledger the run is counted in, at <results-dir>/_ledgers/<name>.jsonl (ledger.name; default: default)',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress and only warnings, errors and the final summary' })
      .option('log-level', {
        type: 'string',
        default: 'info',
        choices: ['trace', 'debug', 'info', 'warn', 'error'],
        describe: 'Level for the console and results/<id>/run.log',
      })
      .option('charts', { type: 'boolean', default: true, describe: 'Draw PNG plots and the report (--no-charts to skip)' })
      .option('workers', {
        type: 'string',
        default: 'auto',
        describe:
          'Worker threads for independent iterations: auto = one per core, at most one per iteration (1 with training.warmStart); N forces N, 1 runs on this thread. Results and plots are identical',
      })
      .option('redis', { type: 'string', describe: 'Coordinate `wfo worker` processes through this Redis URL (default: $WFO_REDIS_URL)' })
      .option('redis-wait', {
        type: 'string',
        describe: `With --redis: seconds Redis may stay unreachable before the run fails, 1-86400 (default: $${REDIS_WAIT_ENV}, else 30)`,
      }) as never,
  handler: async (args) => {
    // The pipeline's modules load only for this command: every other command starts without them.
    const [{ checkRunOptions, parseWorkers, startExecutor }, { planExperiment }, { configDisplay }] = await Promise.all([
      import('../../walkforward/executors/index.js'),
      import('../../plan/plan.js'),
      import('../run-display.js'),
    ]);
    const requested = parseWorkers(args.workers);
    checkRunOptions({ experiment: args.experiment, workers: requested, fresh: args.fresh, resumeFrom: args.resume });
    const redisUrl = resolveRedisUrl(args.redis);
    const waitSeconds = resolveRedisWait(args.redisWait);
    const queue = redisUrl ? { redisUrl, waitMs: waitSeconds * 1000, secret: resolveQueueSecret() } : null;
    // Config warnings come with the run's log (console and run.log), once the run owns the experiment.
    const { config } = await resolveConfig(args);
    const plan = await planExperiment(config);
    // Workers start loading before this thread loads the pipeline, which takes a good part of a second.
    const { executor, warning, workers } = queue
      ? { executor: new (await import('../../cluster/queue-executor.js')).QueueExecutor(queue), warning: null, workers: 1 }
      : startExecutor(config, args.experiment, requested, plan.windows.length);
    if (warning) process.stderr.write(`warning: ${warning}\n`);
    if (!args.quiet) process.stdout.write(configDisplay(config, plan, experimentPaths(config.resultsDir, args.experiment).root) + '\n');
    const [{ runWalkForward }, { ConsoleOutput }] = await Promise.all([
      import('../../walkforward/run/index.js'),
      import('../console-output.js'),
    ]).catch(async (err) => {
      await executor.close();
      throw err;
    });
    const output = new ConsoleOutput(args.quiet ? 'none' : process.stdout.isTTY ? 'bars' : 'lines', !!args.quiet);
    const run = runWalkForward(config, {
      executor,
      plan,
      experiment: args.experiment,
      onLog: output.log,
      onProgress: output.progress,
      logLevel: args.logLevel,
      charts: args.charts,
      workers,
      signal: stopSignal,
      fresh: args.fresh,
      force: args.force,
      resumeFrom: args.resume,
    });
    const { summary, paths, production } = await run.finally(() => output.stop());
    const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
    process.stdout.write(
      [
        `Finished experiment ${args.experiment} in ${summary.totalSeconds.toFixed(1)}s: ${summary.qualified} of ${summary.iterations.length} iterations preserved a model`,
        `  out of sample (${summary.stitched.bars} bars): sharpe ${fmt(summary.stitched.strategy.sharpe)}, return ${fmt(summary.stitched.strategy.totalReturn)}; buy-and-hold sharpe ${fmt(summary.stitched.buyAndHold.sharpe)}, return ${fmt(summary.stitched.buyAndHold.totalReturn)}`,
        `  did it learn? ${summary.luck.sentence}`,
        ...trialLines(summary),
        ...productionLines(production, args.experiment),
        `  results in ${paths.root}`,
      ].join('\n') + '\n',
    );
  },
};

/** Which ledger counted the run, and how many configurations it holds on these bars. */
function trialLines(summary: WalkforwardSummary): string[] {
  const t = summary.luck.trials;
  if (!t) return [];
  const tried =
    t.count === 1 ? 'the only configuration tried on these data and test bars' : `${t.count} configurations tried on these data and test bars`;
  return [`  trial ledger ${t.ledger} (${t.file}): ${tried}; wfo ledger lists them`];
}

/** What the run left to trade: the production model and until when it is current, or why there is none; luck in plain words. */
function productionLines(card: ModelCard | null, experiment: string): string[] {
  if (!card) return [];
  const until = card.currentUntil.date ? `current until about ${card.currentUntil.date}` : `current for ${card.currentUntil.bars} bars`;
  const head = card.model
    ? `  production model: ${card.model.file}, trained to ${card.data.lastDate ?? `row ${card.data.rows}`}, ${until}; wfo act --experiment ${experiment} gives the position to hold`
    : `  production model: none qualified on the newest window (${card.reason})`;
  return card.warning ? [head, `  warning: ${card.warning}`] : [head];
}
