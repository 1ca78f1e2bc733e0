import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { checkPayload, iterationJobId, JOB_FORMAT_VERSION } from '../../src/cluster/jobs.js';
import { redactSecret, redactUrl, redisOptions, resolveRedisUrl } from '../../src/cluster/redis.js';
import { pointId } from '../../src/cluster/sweep.js';
import { productVersion } from '../../src/util/version.js';
import { loadConfig } from '../../src/config/load-config.js';
import { savePlan } from '../../src/plan/save-plan.js';
import { resumeHash } from '../../src/walkforward/start/index.js';
import { runCli, waitForOutput } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
import { runningRedisServers, startRedis, type RedisServer } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp.js';
import { startWorker, stop, testQueue, until } from './cluster-helpers.js';

const temp = tempDir('wfo-jobs-');
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis.stop();
  temp.cleanup();
  expect(runningRedisServers()).toBe(0);
});

describe('the Redis URL', () => {
  test('a password never shows: redacted in the URL and in any message quoting it', () => {
    expect(redactUrl('redis://alice:s3cret@host:6380/2')).toBe('redis://alice:***@host:6380/2');
    expect(redactUrl('redis://:s3cret@host')).toBe('redis://:***@host');
    expect(redactSecret('connect to redis://:s3cret@host failed; AUTH s3cret refused', 'redis://:s3cret@host')).toBe(
      'connect to redis://:***@host failed; AUTH *** refused',
    );
  });

  test('--redis wins over WFO_REDIS_URL; a bad scheme is a usage error without the password', () => {
    expect(resolveRedisUrl('redis://a', { WFO_REDIS_URL: 'redis://b' })).toBe('redis://a');
    expect(resolveRedisUrl(undefined, { WFO_REDIS_URL: 'redis://b' })).toBe('redis://b');
    expect(resolveRedisUrl(undefined, {})).toBeNull();
    expect(() => redisOptions('http://u:pw@host')).toThrow(/"http:\/\/u:\*\*\*@host": the scheme must be redis:\/\/ or rediss:\/\//);
    expect(() => redisOptions('http://u:pw@host')).not.toThrow(/pw/);
  });
});

test('job ids are stable per experiment folder, config and iteration; point ids come from the settings', () => {
  const hash = 'a'.repeat(64);
  expect(iterationJobId('/r/x', hash, 3)).toBe(iterationJobId('/r/x', hash, 3));
  expect(iterationJobId('/r/x', hash, 3)).not.toBe(iterationJobId('/r/y', hash, 3));
  expect(iterationJobId('/r/x', hash, 3)).not.toContain(':');
  expect(pointId({ 'agent.learningRate': 0.0001, seed: 2 })).toBe('learningRate-0.0001_seed-2');
  expect(pointId({ 'data.path': 'data/spy daily.csv' })).toBe('path-spy-daily');
  expect(pointId({})).toBe('base');
});

describe('a worker refuses jobs it must not run', () => {
  const dir = join(temp.dir, 'refuse');
  mkdirSync(dir, { recursive: true });
  const exp = smallExperiment(dir);
  const config = { ...loadConfig({ configFile: exp.configFile }).config };
  const configHash = resumeHash(config, false);
  const payload = ({ setup, ...over }: Record<string, unknown> = {}, configOver: Record<string, unknown> = {}) => {
    const c = { ...config, ...configOver };
    return {
      formatVersion: JOB_FORMAT_VERSION,
      productVersion: productVersion(),
      experiment: 'refused',
      configHash,
      iteration: 1,
      warmStart: false,
      resumeFrom: null,
      nonce: 'd'.repeat(32),
      setup: {
        experiment: 'refused',
        config: c,
        seed: 17,
        configHash,
        metadata: { experiment: 'refused', configHash, dataSha256: 'b'.repeat(64), versions: {} },
        plan: savePlan(c, 3),
        runId: 'test',
        logLevel: 'info',
        charts: false,
        ...(setup as object),
      },
      ...over,
    };
  };

  test('checkPayload: another version, a folder outside the results, a payload that does not validate', () => {
    const worker = { resultsDir: exp.resultsDir, productVersion: productVersion() };
    expect(() => checkPayload(payload({ productVersion: '0.0.1' }), worker)).toThrow(/queued by wfo-rl 0\.0\.1 and this worker runs/);
    expect(() => checkPayload(payload({}, { resultsDir: '/etc' }), worker)).toThrow(/"\/etc\/refused" is not inside this worker's results folder/);
    expect(() => checkPayload(payload({ experiment: '../../etc' }), worker)).toThrow(/another experiment|not inside/);
    expect(() => checkPayload({ ...payload(), iteration: 'one' }, worker)).toThrow(/payload does not validate: iteration/);
    expect(checkPayload(payload(), worker).iteration).toBe(1);
  });

  test('a running worker fails such jobs at once with a clear reason, and of another config hash too', async () => {
    const run = await runCli(['walkforward', '--config', exp.configFile, '--experiment', 'refused', '--no-charts', '--quiet']);
    expect(run.code).toBe(0);
    const { queue, close } = testQueue(redis.url);
    const worker = startWorker(redis.url, exp.resultsDir);
    try {
      const jobs: Job[] = [
        await queue.add('x', payload({ productVersion: '9.9.9' }), { jobId: 'version', attempts: 3 }),
        await queue.add('x', payload({}, { resultsDir: '/tmp' }), { jobId: 'outside', attempts: 3 }),
        await queue.add('x', payload({ configHash: 'c'.repeat(64), setup: { configHash: 'c'.repeat(64) } }), { jobId: 'hash', attempts: 3 }),
      ];
      await until(async () => (await Promise.all(jobs.map((j) => j.isFailed()))).every(Boolean), 'the refused jobs to fail', 30_000);
      const reasons = await Promise.all(jobs.map(async (j) => (await queue.getJob(j.id as string))?.failedReason));
      expect(reasons[0]).toMatch(/JobRefusedError: .*queued by wfo-rl 9\.9\.9/);
      expect(reasons[1]).toMatch(/JobRefusedError: .*not inside this worker's results folder/);
      expect(reasons[2]).toMatch(/JobRefusedError: .*config hash cccccccccccc\.\.\. but .*config\.json records/);
      const attempts = await Promise.all(jobs.map(async (j) => (await queue.getJob(j.id as string))?.attemptsMade));
      expect(attempts).toEqual([1, 1, 1]);
    } finally {
      await close();
      const out = await stop(worker);
      expect(out.stdout).toMatch(/refused iteration 1 of refused/);
    }
  });

  test('a URL with a password: the worker connects and prints the URL redacted', async () => {
    const secret = 'pa55-w0rd';
    const worker = startWorker(`redis://default:${secret}@127.0.0.1:${redis.port}`, exp.resultsDir);
    await waitForOutput(worker.child, /waiting for iterations on/);
    const out = await stop(worker);
    expect(out.stdout + out.stderr).toMatch(/waiting for iterations on redis:\/\/default:\*\*\*@127\.0\.0\.1/);
    expect(out.stdout + out.stderr).not.toContain(secret);
  });
});
