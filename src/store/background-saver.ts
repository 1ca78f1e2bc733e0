/**
 * Runs writes behind the caller, one at a time (Orbax-style async checkpointing): start() waits only while the
 * previous write is still going, then launches the next one and returns; flush() waits for the last one. A write
 * that fails is reported by the next start() or flush(), which rethrows its error, so a failed save still stops
 * the run; nothing started after a failure runs.
 */
export class BackgroundSaver {
  private pending: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;

  /** True while a write is in flight. */
  get busy(): boolean {
    return this.pending !== null;
  }

  /**
   * Waits for the write in flight (rethrowing its error), then starts `write` without waiting for it.
   * Resolves with the milliseconds spent waiting for the previous write.
   */
  async start(write: () => Promise<void>): Promise<number> {
    const t0 = performance.now();
    await this.flush();
    const waited = performance.now() - t0;
    const running = write().then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.pending = running;
    void running.then(() => {
      if (this.pending === running) this.pending = null;
    });
    return waited;
  }

  /** Waits until nothing is in flight; rethrows the error of a write that failed. */
  async flush(): Promise<void> {
    while (this.pending) await this.pending;
    if (this.failure) throw this.failure.error;
  }
}
