import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointWriteError } from '../checkpoint/errors.js';
import type { PipelineConfig } from '../config/schema.js';
import type { Logger } from '../logging/logger.js';
import type { Candidate, IterationRecord } from '../records/schemas.js';
import type { TrainingHistory } from '../training/history.js';
import { stitchOutOfSample } from '../walkforward/summary.js';
import { drawdownSpec, equitySpec, iterationSpec, returnsHistogramSpec, sharpeSpec, windowsSpec } from './chart-specs.js';
import { writePng, type ChartSpec } from './render.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const iterationChartName = (iteration: number, step?: number) =>
  step === undefined ? `iter_${pad(iteration, 3)}.png` : `iter_${pad(iteration, 3)}_step_${pad(step, 7)}.png`;

export const experimentChartNames = ['equity.png', 'drawdown.png', 'sharpe_by_iteration.png', 'oos_returns_hist.png', 'windows.png'] as const;

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

  async iteration(iteration: number, step: number, history: TrainingHistory, candidates: Candidate[]): Promise<void> {
    await this.write(iterationChartName(iteration, step), iterationSpec(iteration, step, this.timesteps, history, candidates, this.metric));
  }

  async iterationRecord(record: IterationRecord): Promise<void> {
    const t = record.training;
    await this.write(iterationChartName(record.iteration), iterationSpec(record.iteration, t.timesteps, t.timesteps, t.history, record.selection.candidates, record.selection.metric));
  }

  async write(name: string, spec: ChartSpec): Promise<void> {
    try {
      await mkdir(this.folder, { recursive: true });
      await writePng(join(this.folder, name), spec);
    } catch (err) {
      if (err instanceof CheckpointWriteError) throw err;
      this.logger.warn({ event: 'chart-failed', file: name, error: (err as Error).message }, `could not draw ${name}: ${(err as Error).message}`);
    }
  }
}

/** The experiment's plots: equity vs buy-and-hold, drawdown, Sharpe by iteration, returns distribution, windows;
 * with `iterations`, each iteration's final training chart too (the run draws those as iterations finish). */
export async function writeExperimentCharts(
  folder: string,
  records: IterationRecord[],
  config: PipelineConfig,
  dates: readonly string[] | null,
  logger: Logger,
  options: { iterations?: boolean } = {},
): Promise<void> {
  const writer = new ChartWriter(folder, logger, config.selection.metric, config.training.timesteps);
  const entryCost = (config.env.costBps + config.env.slippageBps) / 1e4;
  const stitched = stitchOutOfSample(records, entryCost, { periodsPerYear: config.data.periodsPerYear, riskFreeRate: config.data.riskFreeRate });
  await writer.write('equity.png', equitySpec(stitched.bars, dates));
  await writer.write('drawdown.png', drawdownSpec(stitched.bars, dates));
  const sharpe = records.flatMap((r) => {
    const rows: Array<{ iteration: number; series: string; sharpe: number }> = [];
    const val = r.kind === 'model' ? r.metrics.validation?.sharpe : null;
    if (val !== null && val !== undefined) rows.push({ iteration: r.iteration, series: 'validation', sharpe: val });
    if (r.kind === 'model' && r.metrics.test.sharpe !== null) rows.push({ iteration: r.iteration, series: 'test', sharpe: r.metrics.test.sharpe });
    if (r.buyAndHold.test.sharpe !== null) rows.push({ iteration: r.iteration, series: 'buy-and-hold test', sharpe: r.buyAndHold.test.sharpe });
    return rows;
  });
  await writer.write('sharpe_by_iteration.png', sharpeSpec(sharpe));
  await writer.write('oos_returns_hist.png', returnsHistogramSpec(stitched.bars));
  const at = (row: number) => (dates ? dates[Math.min(row, dates.length - 1)] : row);
  const windows = records.flatMap((r) =>
    [
      ['train', r.window.train],
      ['validation', r.window.validation],
      ['test', r.window.test],
    ]
      .filter((x): x is [string, { start: number; end: number }] => x[1] !== null)
      .map(([segment, s]) => ({ iteration: r.iteration, segment, start: at(s.start), end: at(s.end - 1) })),
  );
  await writer.write('windows.png', windowsSpec(windows, dates !== null));
  if (options.iterations) for (const r of records) await writer.iterationRecord(r);
}
