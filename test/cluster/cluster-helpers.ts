import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAME, QUEUE_PREFIX } from '../../src/cluster/jobs.js';
import { collect, startCli, type CliResult } from '../helpers/cli.js';
import { runningRedisServers, startRedis, type RedisServer } from '../helpers/redis.js';

/** Short BullMQ timings so a dead worker's job comes back within seconds. */
export const FAST = { stalledInterval: 1000, lockDuration: 2000 };

export interface Proc {
  child: ChildProcess;
  done: Promise<CliResult>;
}

export function start(args: string[], env?: NodeJS.ProcessEnv): Proc {
  const child = startCli(args, { env, compiled: true });
  return { child, done: collect(child) };
}

export function startWorker(url: string, resultsDir: string, timings: Partial<typeof FAST> = {}): Proc {
  const t = { ...FAST, ...timings };
  return start([
    'worker',
    '--redis',
    url,
    '--results-dir',
    resultsDir,
    '--stalled-interval',
    String(t.stalledInterval),
    '--lock-duration',
    String(t.lockDuration),
  ]);
}

/** Stops a process if it still runs and waits for it. */
export async function stop(p: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<CliResult> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  return p.done;
}

/** A queue handle for the test itself, and removal of every job between tests. */
export function testQueue(url: string): { queue: Queue; close: () => Promise<void> } {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAME, { connection: client, prefix: QUEUE_PREFIX });
  return {
    queue,
    close: async () => {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      client.disconnect();
    },
  };
}

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A redis-server of the test file's own on a free loopback port: started before its tests, its queue emptied after
 * each test (`emptyAfterEach`) and at the end, then stopped, and no server left running. Read its fields only
 * inside tests and hooks (it starts in beforeAll).
 */
export function ownRedis(options: { emptyAfterEach?: boolean } = {}): RedisServer {
  let server: RedisServer | undefined;
  const started = () => {
    if (!server) throw new Error('the test redis-server starts in beforeAll');
    return server;
  };
  beforeAll(async () => {
    server = await startRedis();
  });
  if (options.emptyAfterEach) afterEach(() => testQueue(started().url).close());
  afterAll(async () => {
    await testQueue(started().url).close();
    await started().stop();
    expect(runningRedisServers()).toBe(0);
  });
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    get dir() {
      return started().dir;
    },
    restart: (downMs) => started().restart(downMs),
    stop: () => started().stop(),
  };
}
