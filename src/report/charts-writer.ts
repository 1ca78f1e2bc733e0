import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointWriteError } from '../checkpoint/errors.js';
import type { Logger } from '../logging/logger.js';
import type { Candidate } from '../records/schemas.js';
import type { TrainingHistory } from '../training/history.js';
import { iterationChartName, type ChartJob } from './chart-jobs.js';
import { iterationSpec } from './chart-specs.js';
import { writePng } from './render.js';

/**
 * Writes PNG plots into visualizations/. A plot that fails to render is a warning, never the end of a run; a
 * plot that cannot be written (disk full, permissions) stops the run like any other failed save.
 */
export class ChartWriter {
  constructor(
    private readonly folder: string,
    private readonly logger: Logger,
    private readonly metric = 'sharpe',
    private readonly timesteps = 0,
  ) {}

  /** A snapshot of an iteration's training curves, drawn while it trains. */
  async iteration(iteration: number, step: number, history: TrainingHistory, candidates: Candidate[]): Promise<void> {
    await this.write({ file: iterationChartName(iteration, step), spec: iterationSpec(iteration, step, this.timesteps, history, candidates, this.metric) });
  }

  async writeAll(jobs: ChartJob[]): Promise<void> {
    for (const job of jobs) await this.write(job);
  }

  async write({ file, spec }: ChartJob): Promise<void> {
    try {
      await mkdir(this.folder, { recursive: true });
      await writePng(join(this.folder, file), spec);
    } catch (err) {
      if (err instanceof CheckpointWriteError) throw err;
      this.logger.warn({ event: 'chart-failed', file, error: (err as Error).message }, `could not draw ${file}: ${(err as Error).message}`);
    }
  }
}
