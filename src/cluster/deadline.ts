/**
 * Redis commands wait through a lost connection (maxRetriesPerRequest null, as BullMQ requires), so nothing that
 * waits on one may wait without a bound: these put a deadline, and a stop signal, on such a wait.
 */

/** Resolves true when `work` settles within `ms`, false when the time runs out first (the work is left to settle on its own). */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The wait was cut short by the stop signal. */
export class WaitStopped extends Error {
  constructor() {
    super('stopped while waiting for Redis');
  }
}

/**
 * The value of `work` if it comes within `ms`; else rejects with `late()`, or with WaitStopped as soon as `signal`
 * aborts. A rejection of `work` after that is ignored (the connection is being closed by then).
 */
export function withDeadline<T>(work: Promise<T>, ms: number, late: () => Error, signal?: AbortSignal): Promise<T> {
  // The caller hears of a failure through the returned promise; this keeps a late one from being unhandled.
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(new WaitStopped());
    };
    const timer = setTimeout(() => {
      done();
      reject(late());
    }, ms);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (err: unknown) => {
        done();
        reject(err);
      },
    );
  });
}

/** Sleeps `ms`, or less when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveWait) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolveWait();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A promise that rejects once `fail` is called (never before), for a failure every wait must end on. */
export function failure(): { failed: Promise<never>; fail: (err: Error) => void } {
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_resolve, reject) => (fail = reject));
  // Awaited by whoever races on it; this keeps a failure nobody races on from being unhandled.
  failed.catch(() => undefined);
  return { failed, fail };
}
