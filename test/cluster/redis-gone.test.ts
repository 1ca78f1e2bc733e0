/**
 * A Redis that goes away, against a real redis-server the test stops: the coordinator fails after its wait (and
 * honours the first Ctrl+C while it waits), the worker stops on one SIGTERM, and the same commands finish the run
 * once Redis is back.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_REDIS_WAIT_SECONDS, resolveRedisWait } from '../../src/cluster/redis.js';
import { waitForOutput } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
import { startRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp.js';
import { ownRedis, start, startWorker, stop, until } from './cluster-helpers.js';

const temp = tempDir('wfo-redis-gone-');

const redis = ownRedis();
afterAll(() => temp.cleanup());

const runLog = (root: string) =>
  readFileSync(join(root, 'run.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { time: number; event?: string; msg: string });

test('the wait: --redis-wait, else WFO_REDIS_WAIT, else 30 s (under a minute)', () => {
  expect(DEFAULT_REDIS_WAIT_SECONDS).toBeLessThan(60);
  expect(resolveRedisWait(undefined, {})).toBe(DEFAULT_REDIS_WAIT_SECONDS);
  expect(resolveRedisWait(undefined, { WFO_REDIS_WAIT: '5' })).toBe(5);
  expect(resolveRedisWait('7', { WFO_REDIS_WAIT: '5' })).toBe(7);
  expect(() => resolveRedisWait('2.5', {})).toThrow(/^--redis-wait "2\.5": use a whole number of seconds from 1 to 86400$/);
});

test('Redis dies mid-iteration: the worker stops on one SIGTERM within 10 s, the coordinator fails after its wait, and with Redis back the same commands finish', async () => {
  const dir = join(temp.dir, 'mid');
  mkdirSync(dir, { recursive: true });
  const exp = smallExperiment(dir, {
    windows: { train: 300, validation: 100, test: 100, maxIterations: 1 },
    training: { timesteps: 40000, evalFreq: 5000 },
    saving: { nModelSaves: 40, nImageSaves: 8 },
  });
  const args = ['walkforward', '--config', exp.configFile, '--experiment', 'mid', '--redis', redis.url, '--redis-wait', '3', '--no-charts'];
  const coordinator = start(args);
  const worker = startWorker(redis.url, exp.resultsDir);
  const training = join(exp.resultsDir, 'mid', 'iterations', 'iter_1', 'training');
  await until(() => existsSync(training) && readdirSync(training).some((f) => f.endsWith('.zip')), 'a training checkpoint of iteration 1');

  // Redis goes away for long enough that the coordinator's wait runs out.
  const back = redis.restart(12_000);
  await waitForOutput(worker.child, /queue connection: .* \(retrying\)/);
  const sent = Date.now();
  const stopped = await stop(worker, 'SIGTERM');
  const stopMs = Date.now() - sent;
  expect(stopMs).toBeLessThan(10_000);
  expect(stopped.code).toBe(143);
  expect(stopped.stdout).toMatch(
    /iteration 1 of mid: training checkpoint saved; Redis did not answer, so job .* goes back to the queue by the stalled-job check/,
  );
  expect(stopped.stderr).not.toMatch(/again: exiting now/);

  const failed = await coordinator.done;
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/^error: Redis at redis:\/\/127\.0\.0\.1:\d+ did not answer for 3 s \(ECONNREFUSED\)/m);
  expect(failed.stderr).not.toMatch(/\n\s+at /);
  const log = runLog(join(exp.resultsDir, 'mid'));
  expect(log.filter((l) => l.event === 'queue-connection').length).toBeLessThanOrEqual(2);

  await back;
  const again = start(args);
  const worker2 = startWorker(redis.url, exp.resultsDir);
  const done = await again.done;
  const out2 = await stop(worker2);
  expect(done.code).toBe(0);
  expect(out2.stdout).toMatch(/iteration 1: resuming from .*model_step_\d+\.zip/);
  process.stdout.write(`worker stopped ${stopMs} ms after SIGTERM with Redis gone\n`);
});

test('a coordinator waiting for a Redis that is gone stops on the first Ctrl+C (130), having logged the retries once', async () => {
  const dir = join(temp.dir, 'ctrl-c');
  mkdirSync(dir, { recursive: true });
  const exp = smallExperiment(dir);
  const gone = await startRedis();
  await gone.stop();
  const coordinator = start(['walkforward', '--config', exp.configFile, '--experiment', 'waits', '--redis', gone.url, '--no-charts']);
  await waitForOutput(coordinator.child, /queue connection: connect ECONNREFUSED .* the run fails after 30 s without an answer/);
  await new Promise((r) => setTimeout(r, 2000));
  const sent = Date.now();
  const r = await stop(coordinator, 'SIGINT');
  expect(Date.now() - sent).toBeLessThan(5000);
  expect(r.code).toBe(130);
  expect(r.stderr).toMatch(/^error: interrupted by SIGINT before iteration 1/m);
  expect(r.stderr).not.toMatch(/again: exiting now/);
  expect(runLog(join(exp.resultsDir, 'waits')).filter((l) => l.event === 'queue-connection')).toHaveLength(1);
});
