import { algorithmOf } from '../../agent/registry.js';
import { iterationChartJobs, trainingChart, type ChartSink } from '../../report/chart-jobs.js';
import type { Candidate, IterationRecord } from '../../records/index.js';
import type { TrainingHistory } from '../../training/history.js';
import type { Window } from '../../windows/build-windows.js';
import type { RunContext } from '../context/index.js';
import { finishIteration } from './finish-iteration.js';
import { loadModelZip } from '../../store/model-zip.js';
import { trainIteration } from './train-iteration.js';
import { windowMarket } from '../../env/market.js';
import { panelWindowMarket } from '../../env/panel-market.js';
import { panelWindowTrading, singleWindowTrading, type WindowTrading } from '../../training/window-trading.js';

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
  const trading = windowTradingOf(ctx, window);
  const { timesteps } = ctx.config.training;
  const { diagnostics } = algorithmOf(ctx.config.agent);
  const snapshot = charts
    ? (i: number, step: number, history: TrainingHistory, candidates: Candidate[]) =>
        charts.write(trainingChart(i, step, timesteps, history, candidates, ctx.config.selection.metric, diagnostics))
    : undefined;
  const trained = await trainIteration(ctx, trading, warmStart?.weights ?? null, snapshot);
  const finished = await finishIteration(ctx, trading, trained, warmStart?.iteration ?? null);
  for (const job of iterationChartJobs(finished.record, timesteps, null, diagnostics)) await charts?.write(job);
  return { record: finished.record, timings: { training: finished.record.training.seconds, ...finished.seconds } };
}

/** The window's market as the run trades it: its one instrument, or the panel of the instruments it holds whole. */
export function windowTradingOf(ctx: Pick<RunContext, 'config' | 'features' | 'panel' | 'metricOptions'>, window: Window): WindowTrading {
  const { config, panel } = ctx;
  if (!panel) return singleWindowTrading(windowMarket(ctx.features, window), config.env, ctx.metricOptions);
  const universe = panel.universes.get(window.iteration) ?? [];
  const data = panelWindowMarket(panel.featureSets, window, universe, panel.symbols);
  return panelWindowTrading(data, { ...config.env, weighting: config.portfolio.weighting }, ctx.metricOptions);
}

/** The weights of an iteration's preserved model: where a warm start begins. */
export async function preservedWeights(ctx: Pick<RunContext, 'store'>, iteration: number): Promise<Float32Array[]> {
  const loaded = await loadModelZip(ctx.store.paths.preservedModel(iteration));
  loaded.model.dispose();
  return loaded.weights;
}
