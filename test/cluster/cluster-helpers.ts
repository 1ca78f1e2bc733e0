import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAME, QUEUE_PREFIX } from '../../src/cluster/jobs.js';
import { collect, startCli, type CliResult } from '../helpers/cli.js';

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
