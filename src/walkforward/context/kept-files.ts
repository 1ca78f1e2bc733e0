import type { Logger } from '../../logging/logger.js';

/** Files left in a removed iteration (or seed) folder because the pipeline did not write them: one warning each. */
export function warnKept(ctx: { logger: Logger }, iteration: number, kept: string[]): void {
  for (const file of kept) {
    ctx.logger.warn(
      { event: 'foreign-file-kept', iteration, file },
      `${file} is not a file this program wrote: left in place, and its folder with it`,
    );
  }
}
