import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.js';
import { smallExperiment } from '../helpers/experiment.js';
import { runCli, waitForOutput } from '../helpers/cli.js';
import { plotsFingerprint, resultsFingerprint } from '../helpers/fingerprint.js';
import { ownRedis, start, startWorker, stop, until } from './cluster-helpers.js';

const temp = tempDir('wfo-cluster-');

const redis = ownRedis({ emptyAfterEach: true });
afterAll(() => temp.cleanup());

/** Iterations long enough to be killed in the middle, with training checkpoints to resume from. */
function longExperiment(dir: string) {
  return smallExperiment(dir, {
    windows: { train: 300, validation: 100, test: 100, maxIterations: 2 },
    training: { timesteps: 40000, evalFreq: 5000 },
    saving: { nModelSaves: 40, nImageSaves: 8 },
  });
}

test('a worker killed with SIGKILL mid-iteration: another worker resumes its job and the results equal a one-machine run', async () => {
  const dir = join(temp.dir, 'kill');
  mkdirSync(dir, { recursive: true });
  const exp = longExperiment(dir);
  const alone = await runCli(['walkforward', '--config', exp.configFile, '--experiment', 'alone']);
  expect(alone.code).toBe(0);

  const coordinator = start(['walkforward', '--config', exp.configFile, '--experiment', 'queued', '--redis', redis.url]);
  const first = startWorker(redis.url, exp.resultsDir);
  const training = join(exp.resultsDir, 'queued', 'iterations', 'iter_1', 'training');
  await until(() => existsSync(training) && readdirSync(training).some((f) => f.endsWith('.zip')), 'a training checkpoint of iteration 1');
  first.child.kill('SIGKILL');
  const killed = await first.done;
  expect(killed.signal).toBe('SIGKILL');
  const second = startWorker(redis.url, exp.resultsDir);
  const done = await coordinator.done;
  const secondOut = await stop(second);
  expect(done.code).toBe(0);
  expect(secondOut.stdout).toMatch(/iteration 1 of queued: started \(job .*, attempt 1\)/);
  expect(secondOut.stdout).toMatch(/iteration 1: resuming from .*model_step_\d+\.zip \(step [1-9]\d* of 40000\)/);
  expect(await resultsFingerprint(join(exp.resultsDir, 'queued'))).toEqual(await resultsFingerprint(join(exp.resultsDir, 'alone')));
  expect(plotsFingerprint(join(exp.resultsDir, 'queued'))).toEqual(plotsFingerprint(join(exp.resultsDir, 'alone')));
});

test('Redis restarted mid-run: coordinator and worker reconnect and finish', async () => {
  const dir = join(temp.dir, 'restart');
  mkdirSync(dir, { recursive: true });
  const exp = longExperiment(dir);
  const coordinator = start(['walkforward', '--config', exp.configFile, '--experiment', 'restart', '--redis', redis.url, '--no-charts']);
  const worker = startWorker(redis.url, exp.resultsDir, { lockDuration: 5000 });
  await waitForOutput(worker.child, /iteration 1 of restart: started/);
  await redis.restart(300);
  const done = await coordinator.done;
  await stop(worker);
  expect(done.stderr + done.stdout).toMatch(/Finished experiment restart/);
  expect(done.code).toBe(0);
});

test('a job that fails three times leaves a failure record naming the error; the run exits 1 and a rerun after the fix finishes', async () => {
  const dir = join(temp.dir, 'fail');
  mkdirSync(dir, { recursive: true });
  const exp = smallExperiment(dir, { windows: { train: 300, validation: 100, test: 100, maxIterations: 2 } });
  const good = readFileSync(exp.data, 'utf8');
  const coordinator = start(['walkforward', '--config', exp.configFile, '--experiment', 'broken', '--redis', redis.url, '--no-charts']);
  await waitForOutput(coordinator.child, /sending 2 iterations to the queue/);
  writeFileSync(exp.data, 'this is not,a price file\n');
  const worker = startWorker(redis.url, exp.resultsDir);
  const done = await coordinator.done;
  await stop(worker);
  expect(done.code).toBe(1);
  expect(done.stderr).toMatch(/iteration 1 failed after 3 attempts: DataError/);
  const failure = JSON.parse(readFileSync(join(exp.resultsDir, 'broken', 'iterations', 'iter_1', 'failure.json'), 'utf8'));
  expect(failure).toMatchObject({ iteration: 1, attempts: 3, error: expect.stringMatching(/^DataError: /) });
  expect(existsSync(join(exp.resultsDir, 'broken', 'config.json'))).toBe(true);

  writeFileSync(exp.data, good);
  const again = start(['walkforward', '--config', exp.configFile, '--experiment', 'broken', '--redis', redis.url, '--no-charts']);
  const worker2 = startWorker(redis.url, exp.resultsDir);
  const rerun = await again.done;
  await stop(worker2);
  expect(rerun.code).toBe(0);
  expect(existsSync(join(exp.resultsDir, 'broken', 'iterations', 'iter_1', 'failure.json'))).toBe(false);
});

test('two coordinators for one experiment: the second is refused, naming the holder', async () => {
  const dir = join(temp.dir, 'two');
  mkdirSync(dir, { recursive: true });
  const exp = smallExperiment(dir);
  const first = start(['walkforward', '--config', exp.configFile, '--experiment', 'held', '--redis', redis.url, '--no-charts']);
  await waitForOutput(first.child, /sending 3 iterations to the queue/);
  const second = await runCli(['walkforward', '--config', exp.configFile, '--experiment', 'held', '--redis', redis.url, '--no-charts']);
  expect(second.code).toBe(1);
  expect(second.stderr).toMatch(new RegExp(`in use by wfo walkforward --experiment held \\(pid ${first.child.pid} `));
  const stopped = await stop(first, 'SIGINT');
  expect(stopped.code).toBe(130);
});
