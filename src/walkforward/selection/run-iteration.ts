import { algorithmOf } from '../../agent/registry.js';
import { iterationChartJobs, trainingChart, type ChartSink } from '../../report/chart-jobs.js';
import type { Candidate, IterationRecord } from '../../records/index.js';
import type { TrainingHistory } from '../../training/history.js';
import type { Window } from '../../windows/build-windows.js';
import type { RunContext } from '../context/index.js';
import { finishIteration } from './finish-iteration.js';
import { trainIteration } from './train-iteration.js';
import { windowMarket } from '../../env/market.js';

export interface IterationOutcome {
  record: IterationRecord;
  timings: { training: number; evaluation: number; preservation: number };
}

/** One whole iteration: train (or resume) with snapshots of its curves, preserve or explain, evaluate out of sample, chart it. */
export async function runOneIteration(
  ctx: RunContext,
  window: Window,
  warmStart: { iteration: number; weights: Float32Array[] } | null,
  charts: ChartSink | null,
): Promise<IterationOutcome> {
  const data = windowMarket(ctx.features, window);
  const { timesteps } = ctx.config.training;
  const { diagnostics } = algorithmOf(ctx.config.agent);
  const snapshot = charts
    ? (i: number, step: number, history: TrainingHistory, candidates: Candidate[]) =>
        charts.write(trainingChart(i, step, timesteps, history, candidates, ctx.config.selection.metric, diagnostics))
    : undefined;
  const trained = await trainIteration(ctx, data, warmStart?.weights ?? null, snapshot);
  const finished = await finishIteration(ctx, window, data.market, trained, warmStart?.iteration ?? null);
  for (const job of iterationChartJobs(finished.record, timesteps, null, diagnostics)) await charts?.write(job);
  return { record: finished.record, timings: { training: finished.record.training.seconds, ...finished.seconds } };
}
