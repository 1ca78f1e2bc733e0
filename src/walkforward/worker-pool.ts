import { Worker } from 'node:worker_threads';
import { CheckpointWriteError, InterruptedError } from '../checkpoint/errors.js';
import { TrainingDivergedError } from '../errors/index.js';
import type { RunContext } from './context.js';
import type { IterationOutcome } from './run-iteration.js';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-messages.js';

const levelNames: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * Runs independent iterations on worker threads, `workers` at a time, handing out iterations in order. The main
 * thread stays the one writer of the index (workers ask for every change and wait for it) and receives each
 * finished iteration through onOutcome. On a signal every worker saves its state before the run stops; the first
 * error of any worker ends the run once all workers have stopped.
 */
export async function runInWorkers(
  ctx: RunContext,
  setup: WorkerSetup,
  iterations: number[],
  workers: number,
  onOutcome: (outcome: IterationOutcome) => Promise<void>,
): Promise<void> {
  const queue = [...iterations];
  const entry = workerEntry();
  let firstError: Error | null = null;
  let closing = false;
  const pool = Array.from({ length: Math.min(workers, queue.length) }, () => new Worker(entry.url, { workerData: setup, execArgv: entry.execArgv }));
  const send = (w: Worker, m: ToWorker) => w.postMessage(m);
  const abortAll = (reason: string) => pool.forEach((w) => send(w, { type: 'abort', reason }));
  const onAbort = () => abortAll(String(ctx.signal?.reason ?? 'SIGINT'));
  ctx.signal?.addEventListener('abort', onAbort);
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const next = () => {
              const iteration = firstError || ctx.signal?.aborted ? undefined : queue.shift();
              if (iteration === undefined) return resolve();
              const resumeFrom = ctx.resumeFrom?.iteration === iteration ? ctx.resumeFrom.file : null;
              send(worker, { type: 'run', iteration, resumeFrom });
            };
            const fail = (error: Error) => {
              firstError ??= error;
              abortAll('error');
              resolve();
            };
            worker.on('message', async (m: FromWorker) => {
              switch (m.type) {
                case 'index':
                  try {
                    if (m.op === 'add') await ctx.index.add(...m.entries);
                    else if (m.op === 'remove') await ctx.index.remove(m.paths);
                    else await ctx.index.removeUnder(m.prefix);
                    send(worker, { type: 'ack', id: m.id });
                  } catch (err) {
                    send(worker, { type: 'ack', id: m.id, error: (err as Error).message });
                  }
                  return;
                case 'log': {
                  const { level, msg, time: _time, runId: _run, experiment: _exp, ...fields } = m.record;
                  ctx.logger[levelNames[level] ?? 'info'](fields, msg);
                  return;
                }
                case 'progress':
                  ctx.onProgress?.(m.state);
                  return;
                case 'done':
                  try {
                    await onOutcome(m.outcome);
                    next();
                  } catch (err) {
                    fail(err as Error);
                  }
                  return;
                case 'error':
                  fail(revive(m.error));
                  return;
              }
            });
            worker.on('error', fail);
            worker.on('exit', (code) => {
              if (!closing) fail(new Error(`a worker thread stopped unexpectedly (exit code ${code})`));
            });
            next();
          }),
      ),
    );
  } finally {
    closing = true;
    ctx.signal?.removeEventListener('abort', onAbort);
    await Promise.all(pool.map((w) => w.terminate()));
  }
  if (firstError) throw firstError;
}

/** The worker's file: compiled JavaScript once built; from TypeScript source, a bootstrap that registers tsx. */
function workerEntry(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './iteration-worker-source.mjs' : './iteration-worker.js', import.meta.url);
  return { url, execArgv: fromSource ? [] : process.execArgv };
}

/** The typed error a worker reported, rebuilt on this thread so exit codes stay right. */
function revive(e: { name: string; message: string; signal?: string; file?: string; code?: string }): Error {
  if (e.name === 'InterruptedError') return new InterruptedError(e.signal ?? 'SIGINT', e.message);
  if (e.name === 'CheckpointWriteError' && e.file && e.code) return new CheckpointWriteError(e.file, e.code);
  if (e.name === 'TrainingDivergedError') return new TrainingDivergedError(e.message);
  return new Error(e.message);
}
