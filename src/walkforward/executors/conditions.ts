/**
 * Promises that resolve once a condition over some changing state holds. check() runs after every change; once an
 * error is recorded, waiting promises reject with it, but only when nothing is busy any more, so that whoever waits
 * sees the work in flight stopped first.
 */
export class Conditions {
  private waiters: Array<{ until: () => boolean; resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(private readonly state: { error(): Error | null; busy(): boolean }) {}

  until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ until: done, resolve, reject });
      this.check();
    });
  }

  check(): void {
    const error = this.state.error();
    const busy = this.state.busy();
    this.waiters = this.waiters.filter((w) => {
      if (error) {
        if (busy) return true;
        w.reject(error);
        return false;
      }
      if (!w.until()) return true;
      w.resolve();
      return false;
    });
  }
}
