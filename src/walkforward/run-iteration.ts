import { iterationChartJobs } from '../report/chart-jobs.js';
import type { ChartWriter } from '../report/charts-writer.js';
import type { IterationRecord } from '../records/schemas.js';
import type { Window } from '../windows/build-windows.js';
import type { RunContext } from './context.js';
import { finishIteration } from './finish-iteration.js';
import { trainIteration } from './iteration.js';
import { windowMarket } from './market.js';

export interface IterationOutcome {
  record: IterationRecord;
  timings: { training: number; evaluation: number; preservation: number };
}

/** One whole iteration: train (or resume), preserve or explain, evaluate out of sample, draw its chart. */
export async function runOneIteration(
  ctx: RunContext,
  window: Window,
  warmStart: { iteration: number; weights: Float32Array[] } | null,
  charts: ChartWriter | null,
): Promise<IterationOutcome> {
  const data = windowMarket(ctx.features, window);
  const trained = await trainIteration(ctx, data, warmStart?.weights ?? null, charts ? (i, step, history, candidates) => charts.iteration(i, step, history, candidates) : undefined);
  const finished = await finishIteration(ctx, window, data.market, trained, warmStart?.iteration ?? null);
  await charts?.writeAll(iterationChartJobs(finished.record, ctx.config.training.timesteps, null));
  return { record: finished.record, timings: { training: trained.seconds, ...finished.seconds } };
}
