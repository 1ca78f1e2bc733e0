/** Issue 22 (hostile inputs, round three): the queue cases, a Redis that is gone or wrong (4-6) and jobs that lie (7). */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { collect, startCli, waitForOutput } from '../../helpers/cli.js';
import { payloadFor } from '../../helpers/job-payload.js';
import { startRedis, type RedisServer } from '../../helpers/redis.js';
import { checkJobAgainstExperiment, DataHashes } from '../../../src/cluster/job-check.js';
import { checkPayload } from '../../../src/cluster/jobs.js';
import { sign } from '../../../src/cluster/signing.js';
import { productVersion } from '../../../src/util/version.js';
import { createSecretKey } from 'node:crypto';
import { testQueue } from '../../cluster/cluster-helpers.js';
import { cli, editJson, ID, lib, runConfig, type Case, type Outcome, type Row } from '../harness.js';

/** The URL of a real redis-server this case started and stopped again: nothing answers there any more. */
async function goneRedis(): Promise<string> {
  const server = await startRedis();
  await server.stop();
  return server.url;
}

/** A redis-server that wants a password, stopped after the case; its URL without the password. */
async function lockedRedis(c: Case): Promise<string> {
  const server = await liveRedis(c);
  const client = new Redis(server.url);
  await client.config('SET', 'requirepass', 'the-right-password');
  client.disconnect();
  return server.url;
}

/** A redis-server for the case, stopped after it. */
async function liveRedis(c: Case): Promise<RedisServer> {
  const server = await startRedis();
  c.cleanups.push(() => server.stop());
  return server;
}

const urls = new Map<Case, string>();
const jobs = new Map<Case, Job>();
const queues = new Map<Case, ReturnType<typeof testQueue>['queue']>();
const SECRET = 'a-shared-secret-of-32-characters';

/** Queues a job for iteration 1 of the case's experiment under the id its coordinator would use. */
async function queueJob(c: Case, build: (c: Case) => { id: string; payload: object }): Promise<void> {
  const server = await liveRedis(c);
  urls.set(c, server.url);
  const { queue, close } = testQueue(server.url);
  // Cleanups run last first: the queue closes before its server stops.
  c.cleanups.push(close);
  queues.set(c, queue);
  const { id, payload } = build(c);
  jobs.set(c, await queue.add('forged', payload, { jobId: id, attempts: 3 }));
}

/** One worker that takes the queued job, then stops (--max-jobs 1). */
const runWorker = async (c: Case, env: NodeJS.ProcessEnv = {}) => {
  const r = await cli(['worker', '--redis', urls.get(c) as string, '--results-dir', c.results, '--max-jobs', '1', '--quiet'], env);
  expect(r.out).not.toMatch(/: started \(job/);
  return r;
};

/** The queued job failed at its first attempt, refused, and the worker wrote nothing into the experiment. */
async function refusedOnce(c: Case, reason: RegExp): Promise<void> {
  const job = await queues.get(c)?.getJob(jobs.get(c)?.id as string);
  expect([await job?.getState(), job?.attemptsMade, job?.failedReason]).toEqual(['failed', 1, expect.stringMatching(reason)]);
  expect(existsSync(c.at('iterations'))).toBe(false);
}

const forged = (c: Case, configOver: Record<string, unknown>) => payloadFor(runConfig(c), ID, 1, { configOver });

/** A worker flag given a value it cannot use: refused before the worker connects to anything. */
function workerFlagRow(flag: string, value: string, allowed: string): Row {
  return {
    name: `worker ${flag} ${value} is refused before anything starts`,
    issue: 22,
    item: 6,
    run: (c) => cli(['worker', '--redis', 'redis://127.0.0.1:1', '--results-dir', c.results, flag, value]),
    code: 2,
    message: new RegExp(`^error: ${flag} "${value.replace(/[.+]/g, '\\$&')}": use a whole number ${allowed}$`, 'm'),
    check: (_c, r) => expect(r.out).not.toMatch(/waiting for iterations|unreachable/),
  };
}

/** Runs `args` until `ready` shows, sends one SIGTERM and says how long the process took to exit after it. */
async function oneSigterm(args: string[], ready: RegExp): Promise<Outcome & { stopMs: number }> {
  const child = startCli(args, { compiled: true });
  const done = collect(child);
  await waitForOutput(child, ready);
  // A moment more, for the warnings a worker would repeat while Redis stays away.
  await new Promise((r) => setTimeout(r, 2500));
  const sent = Date.now();
  child.kill('SIGTERM');
  const r = await done;
  return { code: r.code, out: `${r.stdout}\n${r.stderr}`, stopMs: Date.now() - sent };
}

export const queueRows: Row[] = [
  // 4: a coordinator whose Redis is gone
  {
    name: 'a coordinator whose Redis is gone fails after --redis-wait with one line naming the URL and the cause, and few warnings',
    issue: 22,
    item: 4,
    run: async (c) =>
      cli([
        'walkforward',
        '--config',
        c.configFile,
        '--experiment',
        'queued',
        '--redis',
        await goneRedis(),
        '--redis-wait',
        '2',
        '--no-charts',
        '--quiet',
      ]),
    code: 1,
    message:
      /^error: Redis at redis:\/\/127\.0\.0\.1:\d+ did not answer for 2 s \(ECONNREFUSED\); start it or check --redis .* run the same command again to continue$/m,
    check: (c, r) => {
      expect(r.out.match(/^error: /gm)).toHaveLength(1);
      const log = readFileSync(join(c.results, 'queued', 'run.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { time: number; event?: string });
      const from = log.find((l) => l.event === 'workers')?.time as number;
      const failed = log.find((l) => l.event === 'run-failed')?.time as number;
      // It waited the 2 s it was given, and not much more.
      expect(failed - from).toBeGreaterThanOrEqual(1900);
      expect(failed - from).toBeLessThan(4000);
      expect(log.filter((l) => l.event === 'queue-connection').length).toBeLessThanOrEqual(2);
    },
  },
  {
    name: 'a sweep whose Redis is gone fails after --redis-wait with one error line, not one per point',
    issue: 22,
    item: 4,
    setup: (c) =>
      writeFileSync(
        join(c.dir, 'sweep.json'),
        JSON.stringify({ study: 'gone', base: c.configFile, resultsDir: c.results, grid: { seed: [1, 2, 3] } }),
      ),
    run: async (c) =>
      cli(['sweep', '--config', join(c.dir, 'sweep.json'), '--redis', await goneRedis(), '--redis-wait', '2', '--no-charts', '--quiet']),
    code: 1,
    message: /^error: Redis at redis:\/\/127\.0\.0\.1:\d+ did not answer for 2 s \(ECONNREFUSED\)/m,
    check: (_c, r) => expect(r.out.match(/^error: /gm)).toHaveLength(1),
  },
  {
    name: 'walkforward --redis-wait 0 is refused, naming the flag and the range',
    issue: 22,
    item: 4,
    run: (c) => cli(['walkforward', '--config', c.configFile, '--experiment', 'queued', '--redis', 'redis://127.0.0.1:1', '--redis-wait', '0']),
    code: 2,
    message: /^error: --redis-wait "0": use a whole number of seconds from 1 to 86400$/m,
    check: (c) => expect(existsSync(join(c.results, 'queued'))).toBe(false),
  },
  {
    name: 'WFO_REDIS_WAIT=soon is refused, naming the variable',
    issue: 22,
    item: 4,
    run: (c) =>
      cli(['walkforward', '--config', c.configFile, '--experiment', 'queued', '--redis', 'redis://127.0.0.1:1'], { WFO_REDIS_WAIT: 'soon' }),
    code: 2,
    message: /^error: WFO_REDIS_WAIT "soon": use a whole number of seconds from 1 to 86400$/m,
  },
  {
    name: 'a coordinator given the wrong Redis password fails at once (exit 2) without waiting or showing it',
    issue: 22,
    item: 4,
    run: async (c) => {
      const url = (await lockedRedis(c)).replace('redis://', 'redis://:a-wrong-password@');
      return cli(['walkforward', '--config', c.configFile, '--experiment', 'queued', '--redis', url, '--redis-wait', '60', '--no-charts', '--quiet']);
    },
    code: 2,
    message:
      /^error: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ refused the credentials \(WRONGPASS invalid username-password pair or user is disabled\.\); give the user and password in --redis/m,
    check: (_c, r) => expect(r.out).not.toContain('a-wrong-password'),
  },
  {
    name: 'a worker given no password for a Redis that wants one stops at once (exit 2)',
    issue: 22,
    item: 5,
    run: async (c) => cli(['worker', '--redis', await lockedRedis(c), '--results-dir', c.results]),
    code: 2,
    message: /^error: Redis at redis:\/\/127\.0\.0\.1:\d+ refused the credentials \(NOAUTH /m,
  },
  // 5: a worker whose Redis is gone
  {
    name: 'a worker whose Redis is gone says so once and stops on one SIGTERM within 10 s',
    issue: 22,
    item: 5,
    run: async (c) => {
      const r = await oneSigterm(['worker', '--redis', await goneRedis(), '--results-dir', c.results], /is unreachable \(ECONNREFUSED\)/);
      return { ...r, out: `${r.out}\nstopped in ${r.stopMs} ms` };
    },
    code: 143,
    message: /worker stopped by SIGTERM after 0 jobs/,
    check: (_c, r) => {
      expect(Number(/stopped in (\d+) ms/.exec(r.out)?.[1])).toBeLessThan(10_000);
      expect(r.out.match(/is unreachable/g)).toHaveLength(1);
    },
  },
  // 6: every worker flag checked
  workerFlagRow('--lock-duration', 'abc', 'of milliseconds from 1000 to 3600000'),
  workerFlagRow('--stalled-interval', '-5', 'of milliseconds from 500 to 3600000'),
  workerFlagRow('--concurrency', '0', 'of iterations from 1 to 256'),
  workerFlagRow('--max-jobs', '1.5', 'of jobs from 1 to 1000000000'),
  // 7: jobs that lie
  {
    name: 'a forged job (the real config hash, timesteps 700, data.path /etc/hostname) is refused at once and nothing is written',
    issue: 22,
    item: 7,
    setup: (c) =>
      queueJob(c, (k) =>
        forged(k, { training: { ...runConfig(k).training, timesteps: 700 }, data: { ...runConfig(k).data, path: '/etc/hostname' } }),
      ),
    run: (c) => runWorker(c),
    code: 0,
    message:
      /refused iteration 1 of e1: its config hashes to [0-9a-f]{12}\.\.\., not to the [0-9a-f]{12}\.\.\. it names; the job was not queued by the coordinator/,
    check: (c) => refusedOnce(c, /^JobRefusedError: .*its config hashes to/),
  },
  {
    name: 'a job with the real config but another data file is refused before the file is read',
    issue: 22,
    item: 7,
    setup: (c) => queueJob(c, (k) => forged(k, { data: { ...runConfig(k).data, path: '/etc/hostname' } })),
    run: (c) => runWorker(c),
    code: 0,
    message: /refused iteration 1 of e1: the job disagrees with .*config\.json: data\.path \/etc\/hostname \(config\.json: .*prices\.csv\)/,
    check: (c) => refusedOnce(c, /^JobRefusedError: .*data\.path \/etc\/hostname/),
  },
  {
    name: 'a true job for a finished iteration is refused: nothing of the finished experiment is trained again',
    issue: 22,
    item: 7,
    setup: (c) => queueJob(c, (k) => forged(k, {})),
    run: (c) => runWorker(c),
    code: 0,
    message: /refused iteration 1 of e1: the iteration is finished \(checkpoints\/metrics_iter_1\.json is in the experiment's index\)/,
    check: (c) => refusedOnce(c, /^JobRefusedError: .*the iteration is finished/),
  },
  {
    name: 'a job for an iteration whose preserved model is gone is not taken for finished: the coordinator redoes it, and so may the worker',
    issue: 22,
    item: 7,
    // As the coordinator's start leaves it: the index rebuilt from disk, the record still there, its model not.
    setup: (c) => {
      rmSync(c.at('checkpoints/model_iter_2.zip'));
      editJson(c.at('checkpoint_index.json'), (j) => {
        j.entries = (j.entries as Array<{ path: string }>).filter((e) => e.path !== 'checkpoints/model_iter_2.zip');
      });
    },
    run: (c) =>
      lib(async () => {
        const { payload } = payloadFor(runConfig(c), ID, 2);
        const recorded = await checkJobAgainstExperiment(
          checkPayload(payload, { resultsDir: c.results, productVersion: productVersion() }),
          new DataHashes(),
        );
        return `iteration 2 may run (config hash ${recorded.configHash.slice(0, 12)})`;
      }),
    code: 0,
    message: /iteration 2 may run \(config hash [0-9a-f]{12}\)/,
    mayChange: ['checkpoints/model_iter_2.zip'],
  },
  {
    name: 'an unsigned job, to a worker with WFO_QUEUE_SECRET, is refused',
    issue: 22,
    item: 7,
    setup: (c) => queueJob(c, (k) => forged(k, {})),
    run: (c) => runWorker(c, { WFO_QUEUE_SECRET: SECRET }),
    code: 0,
    message: /refused iteration 1 of e1: the job is not signed; this worker runs only jobs signed with its WFO_QUEUE_SECRET/,
    check: async (c, r) => {
      await refusedOnce(c, /^JobRefusedError: .*not signed/);
      expect(r.out).not.toContain(SECRET);
    },
  },
  {
    name: 'a job signed with another secret is refused',
    issue: 22,
    item: 7,
    setup: (c) =>
      queueJob(c, (k) => {
        const { id, payload } = forged(k, {});
        return { id, payload: sign(payload, 'job', createSecretKey(Buffer.from('another-secret-of-enough-length'))) };
      }),
    run: (c) => runWorker(c, { WFO_QUEUE_SECRET: SECRET }),
    code: 0,
    message: /refused iteration 1 of e1: the job's signature does not match/,
    check: (c) => refusedOnce(c, /^JobRefusedError: .*signature does not match/),
  },
  {
    name: 'a signed job to a worker without the secret is refused (its result could not be signed)',
    issue: 22,
    item: 7,
    setup: (c) =>
      queueJob(c, (k) => {
        const { id, payload } = forged(k, {});
        return { id, payload: sign(payload, 'job', createSecretKey(Buffer.from(SECRET))) };
      }),
    run: (c) => runWorker(c),
    code: 0,
    message: /refused iteration 1 of e1: the job is signed but this worker has no WFO_QUEUE_SECRET/,
    check: (c) => refusedOnce(c, /^JobRefusedError: .*has no WFO_QUEUE_SECRET/),
  },
  {
    name: 'a WFO_QUEUE_SECRET too short to be a secret is refused, without showing it',
    issue: 22,
    item: 7,
    run: (c) => cli(['worker', '--redis', 'redis://127.0.0.1:1', '--results-dir', c.results], { WFO_QUEUE_SECRET: 'hunter2' }),
    code: 2,
    message: /^error: WFO_QUEUE_SECRET holds 7 characters; use at least 16/m,
    check: (_c, r) => expect(r.out).not.toContain('hunter2'),
  },
];
