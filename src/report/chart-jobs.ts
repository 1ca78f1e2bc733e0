import type { DiagnosticSpec } from '../agent/agent.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineConfig } from '../config/schema.js';
import type { Candidate, IterationRecord } from '../records/index.js';
import type { TrainingHistory } from '../training/history.js';
import { stitchOutOfSample } from '../analysis/out-of-sample.js';
import { stitchPanel } from '../analysis/panel-out-of-sample.js';
import { drawdownSpec, equitySpec, iterationSpec, returnsHistogramSpec, sharpeSpec, windowsSpec } from './chart-specs.js';
import { panelChartJobs, panelLabels } from './panel-charts.js';
import type { ChartSpec } from './render.js';
import { layout } from '../store/layout.js';

/** One PNG to draw: its file name in visualizations/ and the vega-lite spec, which holds all its data. */
export interface ChartJob {
  file: string;
  spec: ChartSpec;
}

/** Where plots go: drawn at once (ChartWriter) or handed to whichever worker thread is free. */
export interface ChartSink {
  write(job: ChartJob): Promise<void>;
}

export const iterationChartName = (iteration: number, step?: number) =>
  step === undefined ? layout.iterationChart(iteration) : layout.snapshotChart(iteration, step);

/** The steps of an iteration at which the run draws a snapshot: experiment-wide multiples of `imageEvery` before its last step. */
export function snapshotSteps(iteration: number, timesteps: number, imageEvery: number): number[] {
  const offset = (iteration - 1) * timesteps;
  const steps: number[] = [];
  for (let step = imageEvery - (offset % imageEvery); step < timesteps; step += imageEvery) steps.push(step);
  return steps;
}

/**
 * Every plot of a finished iteration, rebuilt from its record: the snapshots exactly as they were drawn during
 * training (the history and candidates up to each step; none when `imageEvery` is null) and the final chart.
 */
export function iterationChartJobs(
  record: IterationRecord,
  timesteps: number,
  imageEvery: number | null,
  diagnostics: readonly DiagnosticSpec[],
): ChartJob[] {
  const n = record.iteration;
  const { history } = record.training;
  const { candidates, metric } = record.selection;
  const upTo = (step: number) => ({ points: history.points.filter((p) => p.step <= step), episodes: history.episodes.filter((e) => e.step <= step) });
  const snapshots = (imageEvery === null ? [] : snapshotSteps(n, timesteps, imageEvery)).map((step) =>
    trainingChart(
      n,
      step,
      timesteps,
      upTo(step),
      candidates.filter((c) => c.step <= step),
      metric,
      diagnostics,
    ),
  );
  return [...snapshots, trainingChart(n, timesteps, timesteps, history, candidates, metric, diagnostics)];
}

/** An iteration's training curves at `step`: a snapshot while it trains, its final chart at the last step. */
export function trainingChart(
  iteration: number,
  step: number,
  timesteps: number,
  history: Pick<TrainingHistory, 'points' | 'episodes'>,
  candidates: Candidate[],
  metric: string,
  diagnostics: readonly DiagnosticSpec[],
): ChartJob {
  return {
    file: iterationChartName(iteration, step < timesteps ? step : undefined),
    spec: iterationSpec(iteration, step, timesteps, history, candidates, metric, diagnostics),
  };
}

/**
 * The experiment's plots: equity vs buy-and-hold, drawdown, Sharpe by iteration, returns distribution, windows; a
 * panel run's name the portfolio and its universe's buy-and-hold, and add the contributions and the positions heat map.
 */
export function experimentChartJobs(records: IterationRecord[], config: PipelineConfig, dates: readonly string[] | null): ChartJob[] {
  const entryCost = (config.env.costBps + config.env.slippageBps) / 1e4;
  const options = { periodsPerYear: config.data.periodsPerYear, riskFreeRate: config.data.riskFreeRate };
  const stitched = stitchOutOfSample(records, entryCost, options);
  const panel = stitchPanel(records);
  const labels = panel ? panelLabels(config.portfolio.weighting) : undefined;
  const sharpe = records.flatMap((r) => {
    const rows: Array<{ iteration: number; series: string; sharpe: number }> = [];
    const val = r.kind === 'model' ? r.metrics.validation?.sharpe : null;
    if (val !== null && val !== undefined) rows.push({ iteration: r.iteration, series: 'validation', sharpe: val });
    if (r.kind === 'model' && r.metrics.test.sharpe !== null) rows.push({ iteration: r.iteration, series: 'test', sharpe: r.metrics.test.sharpe });
    if (r.buyAndHold.test.sharpe !== null) rows.push({ iteration: r.iteration, series: 'buy-and-hold test', sharpe: r.buyAndHold.test.sharpe });
    return rows;
  });
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
  const names = layout.experimentCharts;
  return [
    { file: names.equity, spec: equitySpec(stitched.bars, dates, labels) },
    { file: names.drawdown, spec: drawdownSpec(stitched.bars, dates, labels) },
    { file: names.sharpe, spec: sharpeSpec(sharpe) },
    { file: names.returns, spec: returnsHistogramSpec(stitched.bars, labels) },
    { file: names.windows, spec: windowsSpec(windows, dates !== null) },
    ...(panel ? panelChartJobs(panel, stitched.bars, dates, options) : []),
  ];
}

/** The jobs whose PNG is not in `folder` yet (a run stopped before drawing them). */
export function missingCharts(folder: string, jobs: ChartJob[]): ChartJob[] {
  return jobs.filter((job) => !existsSync(join(folder, job.file)));
}

/** The file names of the experiment's own plots, in the order they are drawn (a panel run draws panelChartNames after them). */
export const experimentChartNames = Object.values(layout.experimentCharts);
export const panelChartNames = Object.values(layout.panelCharts);
