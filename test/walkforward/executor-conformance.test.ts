/**
 * One test for every implementation of the executor seam (BullMQ's adapter-conformance test in spirit): inline,
 * worker threads and the BullMQ queue run the same experiment to the same results, and an error inside an iteration
 * reaches the caller with its class and exit code (the queue, which retries, names it in the failure it records).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src/backend/select-backend.js';
import { runClusterWorker } from '../../src/cluster/worker-runner.js';
import { QueueExecutor } from '../../src/cluster/queue-executor.js';
import { loadConfig } from '../../src/config/load-config.js';
import { IterationFailedError, NotOwnedError, PipelineError } from '../../src/errors/index.js';
import { startExecutor, type IterationExecutor } from '../../src/walkforward/executors/index.js';
import { runWalkForward } from '../../src/walkforward/run/index.js';
import { smallExperiment } from '../helpers/experiment.js';
import { resultsFingerprint } from '../helpers/fingerprint.js';
import { startRedis, runningRedisServers, type RedisServer } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp.js';
import { testQueue } from '../cluster/cluster-helpers.js';

const tmp = tempDir('wfo-executors-');
let redis: RedisServer;
const exp = smallExperiment(tmp.dir, { windows: { train: 300, validation: 100, test: 100, maxIterations: 2 } });
const config = () => loadConfig({ configFile: exp.configFile }).config;

interface Kind {
  name: 'inline' | 'threads' | 'queue';
  /** The executor of one run, and what must run beside it (a worker for the queue); stop() ends that. */
  start(experiment: string): { executor: IterationExecutor; stop: () => Promise<void> };
}

const kinds: Kind[] = [
  { name: 'inline', start: (experiment) => ({ executor: startExecutor(config(), experiment, 1, 2).executor, stop: async () => undefined }) },
  { name: 'threads', start: (experiment) => ({ executor: startExecutor(config(), experiment, 2, 2).executor, stop: async () => undefined }) },
  {
    name: 'queue',
    start: () => {
      const controller = new AbortController();
      const worker = runClusterWorker({
        redisUrl: redis.url,
        resultsDir: exp.resultsDir,
        signal: controller.signal,
        stalledInterval: 1000,
        lockDuration: 2000,
      });
      return {
        executor: new QueueExecutor({ redisUrl: redis.url, attempts: 1, backoffMs: 100, pollMs: 100 }),
        stop: async () => {
          controller.abort('SIGTERM');
          await worker;
        },
      };
    },
  },
];

beforeAll(async () => {
  await selectBackend('wasm');
  redis = await startRedis();
  await runWalkForward(config(), { experiment: 'reference', charts: false, workers: 1 });
}, 120_000);

afterEach(async () => {
  await testQueue(redis.url).close();
});

afterAll(async () => {
  await redis.stop();
  tmp.cleanup();
  expect(runningRedisServers()).toBe(0);
});

describe.each(kinds.map((k) => [k.name, k] as const))('the %s executor', (name, kind) => {
  test('runs the experiment to the results of a plain one-thread run', async () => {
    const { executor, stop } = kind.start(`same-${name}`);
    try {
      await runWalkForward(config(), { experiment: `same-${name}`, charts: false, executor, workers: name === 'threads' ? 2 : 1 });
    } finally {
      await stop();
    }
    expect(await resultsFingerprint(join(exp.resultsDir, `same-${name}`))).toEqual(await resultsFingerprint(join(exp.resultsDir, 'reference')));
  });

  test('an error inside an iteration reaches the caller by class and exit code, naming the file', async () => {
    // A folder of ours where iteration 2's preserved model goes: its write is refused (NotOwnedError, exit 2) on
    // whichever thread or machine runs the iteration; iteration 1 finishes first.
    const id = `fails-${name}`;
    mkdirSync(join(exp.resultsDir, id, 'checkpoints', 'model_iter_2.zip'), { recursive: true });
    writeFileSync(
      join(exp.resultsDir, id, '.wfo-owner.json'),
      JSON.stringify({ formatVersion: 1, product: 'wfo-rl', kind: 'experiment', id, createdAt: new Date(0).toISOString() }),
    );
    const { executor, stop } = kind.start(id);
    let caught: unknown;
    try {
      await runWalkForward(config(), { experiment: id, charts: false, executor, workers: name === 'threads' ? 2 : 1 });
    } catch (err) {
      caught = err;
    } finally {
      await stop();
    }
    // The queue retries a failed job and then records the failure, naming the error, and fails the run.
    expect(caught).toBeInstanceOf(name === 'queue' ? IterationFailedError : NotOwnedError);
    expect((caught as PipelineError).exitCode).toBe(name === 'queue' ? 1 : 2);
    expect((caught as Error).message).toMatch(/model_iter_2\.zip: it is a folder/);
    if (name === 'queue') expect((caught as Error).message).toMatch(/NotOwnedError/);
  });
});
