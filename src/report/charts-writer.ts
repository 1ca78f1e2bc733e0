import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointWriteError, NotOwnedError } from '../errors/index.js';
import { refuseNonFolder } from '../util/regular-file.js';
import type { Logger } from '../logging/logger.js';
import type { ChartJob } from './chart-jobs.js';
import { writePng } from './render.js';

/**
 * Writes PNG plots into visualizations/. A plot that fails to render is a warning, never the end of a run; a
 * plot that cannot be written (disk full, permissions, a FIFO or link where the file goes) stops the run like any other failed save.
 */
export class ChartWriter {
  constructor(
    private readonly folder: string,
    private readonly logger: Logger,
  ) {}

  async writeAll(jobs: ChartJob[]): Promise<void> {
    for (const job of jobs) await this.write(job);
  }

  async write({ file, spec }: ChartJob): Promise<void> {
    try {
      await refuseNonFolder(this.folder);
      await mkdir(this.folder, { recursive: true });
      await writePng(join(this.folder, file), spec);
    } catch (err) {
      if (err instanceof CheckpointWriteError || err instanceof NotOwnedError) throw err;
      this.logger.warn({ event: 'chart-failed', file, error: (err as Error).message }, `could not draw ${file}: ${(err as Error).message}`);
    }
  }
}
