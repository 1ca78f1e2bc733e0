/**
 * Jobs and results that lie, against a real Redis: with a shared secret the honest run finishes; a job found under
 * the id the coordinator will use is replaced when it holds another config; results that are unsigned, touch files
 * of other iterations or name a model that is not this experiment's are refused, and nothing of them is adopted.
 */
import { createHash, createSecretKey } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAME, QUEUE_PREFIX, type JobPayload } from '../../src/cluster/jobs.js';
import { foreignJobProblem } from '../../src/cluster/queued-job.js';
import { sign } from '../../src/cluster/signing.js';
import { resumeHash } from '../../src/walkforward/start/index.js';
import { loadConfig } from '../../src/config/load-config.js';
import { layout } from '../../src/store/layout.js';
import { runCli, waitForOutput } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
import { payloadFor } from '../helpers/job-payload.js';
import { tempDir } from '../helpers/temp.js';
import { ownRedis, start, stop, testQueue, until } from './cluster-helpers.js';

const SECRET = 'the-secret-coordinators-and-workers-share';
const key = createSecretKey(Buffer.from(SECRET));
const temp = tempDir('wfo-lying-');

const redis = ownRedis({ emptyAfterEach: true });
afterAll(() => temp.cleanup());

test('with WFO_QUEUE_SECRET on the coordinator and the worker, jobs and results are signed and the run finishes; the secret is never printed', async () => {
  const dir = join(temp.dir, 'signed');
  mkdirSync(dir, { recursive: true });
  const exp = smallExperiment(dir);
  const env = { WFO_QUEUE_SECRET: SECRET };
  const coordinator = start(['walkforward', '--config', exp.configFile, '--experiment', 'signed', '--redis', redis.url, '--no-charts'], env);
  const worker = start(['worker', '--redis', redis.url, '--results-dir', exp.resultsDir], env);
  const done = await coordinator.done;
  const out = await stop(worker);
  expect(done.code).toBe(0);
  expect(out.stdout).toMatch(/iteration 3 of signed: done/);
  for (const text of [done.stdout, done.stderr, out.stdout, out.stderr, readFileSync(join(exp.resultsDir, 'signed', 'run.log'), 'utf8')]) {
    expect(text).not.toContain(SECRET);
  }
});

test('a job found under the id of an iteration stands for the coordinator’s only with the same config, seed and plan (and signature, with a secret)', () => {
  const dir = join(temp.dir, 'found');
  mkdirSync(join(dir, 'results', 'x'), { recursive: true });
  const exp = smallExperiment(dir);
  const config = loadConfig({ configFile: exp.configFile }).config;
  writeFileSync(
    join(exp.resultsDir, 'x', 'config.json'),
    JSON.stringify({ configHash: resumeHash(config, false), seed: 17, data: { sha256: 'a'.repeat(64) } }),
  );
  const ours = payloadFor(config, 'x', 1).payload as unknown as JobPayload;
  const again = { ...ours, nonce: 'e'.repeat(32), setup: { ...ours.setup, runId: 'an earlier run' } };
  expect(foreignJobProblem(again, ours, null)).toBeNull();
  const other = payloadFor(config, 'x', 1, { configOver: { training: { ...config.training, timesteps: 700 } } }).payload;
  expect(foreignJobProblem(other, ours, null)).toBe('holds another config, seed or plan than this run');
  expect(foreignJobProblem({ ...again, setup: { ...again.setup, seed: 3 } }, ours, null)).toMatch(/another config, seed or plan/);
  expect(foreignJobProblem(again, ours, key)).toMatch(/is not one a coordinator with this WFO_QUEUE_SECRET queued: the job is not signed/);
  expect(foreignJobProblem(sign(again, 'job', key), ours, key)).toBeNull();
});

test('a forged job under the coordinator’s id is replaced; results that lie are refused and nothing of them is adopted', async () => {
  const dir = join(temp.dir, 'lies');
  mkdirSync(dir, { recursive: true });
  const exp = smallExperiment(dir);
  // An honest run of the same config: the material a lying worker copies from.
  expect((await runCli(['walkforward', '--config', exp.configFile, '--experiment', 'honest', '--no-charts', '--quiet'])).code).toBe(0);
  const honest = (p: string) => join(exp.resultsDir, 'honest', p);
  const lied = (p: string) => join(exp.resultsDir, 'lied', p);
  const config = loadConfig({ configFile: exp.configFile }).config;

  // Before the coordinator of "lied" starts, a job is forged under the id it will use for iteration 1.
  const { queue, close } = testQueue(redis.url);
  const planted = payloadFor(config, 'lied', 1, {
    configOver: { training: { ...config.training, timesteps: 700 } },
    iterations: 3,
    recordedIn: honest(''),
  });
  await queue.add('forged', planted.payload, { jobId: planted.id });

  const seen: JobPayload[] = [];
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  const liar = new Worker(
    QUEUE_NAME,
    async (job: Job) => {
      const data = job.data as JobPayload;
      seen.push(data);
      const n = data.iteration;
      const record = { ...JSON.parse(readFileSync(honest(layout.metrics(n)), 'utf8')), experiment: 'lied' };
      const entry = (path: string, kind: string) => ({
        path,
        kind,
        size: 1,
        sha256: 'f'.repeat(64),
        iteration: n,
        step: null,
        metrics: null,
        time: new Date().toISOString(),
      });
      const result = {
        jobId: String(job.id),
        nonce: data.nonce,
        iteration: n,
        record,
        timings: { training: 1, evaluation: 1, preservation: 1 },
        worker: 'liar',
      };
      if (n === 1) return sign({ ...result, index: [{ op: 'add', entries: [entry('../../../etc/passwd', 'metrics')] }] }, 'result', key);
      if (n === 2) {
        // The honest files copied in, as if trained here: the model inside says it is another experiment's.
        mkdirSync(lied('checkpoints'), { recursive: true });
        for (const f of [layout.metrics(n), layout.preservedModel(n)]) copyFileSync(honest(f), lied(f));
        writeFileSync(lied(layout.metrics(n)), JSON.stringify(record, null, 2));
        const index = [
          { ...entry(layout.metrics(n), 'metrics'), sha256: shaOf(lied(layout.metrics(n))) },
          { ...entry(layout.preservedModel(n), 'preserved'), sha256: shaOf(lied(layout.preservedModel(n))) },
        ];
        return sign({ ...result, index: [{ op: 'add', entries: index }] }, 'result', key);
      }
      return { ...result, index: [] };
    },
    { connection: client, prefix: QUEUE_PREFIX, autorun: false },
  );
  let coordinator: ReturnType<typeof start> | null = null;
  try {
    coordinator = start(
      ['walkforward', '--config', exp.configFile, '--experiment', 'lied', '--redis', redis.url, '--no-charts', '--redis-wait', '10'],
      {
        WFO_QUEUE_SECRET: SECRET,
      },
    );
    await waitForOutput(
      coordinator.child,
      /iteration 1: job .* in the queue is not one a coordinator with this WFO_QUEUE_SECRET queued: the job is not signed; replacing it/,
    );
    // The liar starts once the coordinator's own job stands in the planted one's place (removed, then added anew):
    // started earlier it could take the planted job, whose result is refused for answering another job.
    await until(async () => typeof ((await queue.getJob(planted.id))?.data as JobPayload | undefined)?.signature === 'string', 'the signed job 1');
    void liar.run();
    const done = await coordinator.done;
    expect(done.code).toBe(1);
    expect(done.stderr).toMatch(
      /iteration 1 failed after 1 attempts: result refused: the result adds "\.\.\/\.\.\/\.\.\/etc\/passwd" \(metrics\) to the index, which is not a file of iteration 1/,
    );
    expect(done.stderr).toMatch(
      /iteration 2 failed after 1 attempts: result refused: checkpoints\/model_iter_2\.zip is of another experiment or iteration/,
    );
    expect(done.stderr).toMatch(/iteration 3 failed after 1 attempts: result refused: the result is not signed/);
    // The planted job was replaced by the coordinator's own, signed, with the config it hashes.
    expect(seen.map((d) => [d.iteration, d.setup.config.training.timesteps, typeof d.signature])).toEqual(
      expect.arrayContaining([
        [1, config.training.timesteps, 'string'],
        [2, config.training.timesteps, 'string'],
        [3, config.training.timesteps, 'string'],
      ]),
    );
    const index = JSON.parse(readFileSync(lied('checkpoint_index.json'), 'utf8')) as { entries: Array<{ path: string }> };
    expect(index.entries.map((e) => e.path).filter((p) => p.startsWith('checkpoints/'))).toEqual([]);
    for (const n of [1, 2, 3]) expect(JSON.parse(readFileSync(lied(layout.failure(n)), 'utf8')).error).toMatch(/^result refused: /);
  } finally {
    if (coordinator) await stop(coordinator, 'SIGKILL');
    await liar.close();
    client.disconnect();
    await close();
  }
});

const shaOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
