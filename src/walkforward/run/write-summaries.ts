import { createCheckpointSummary } from '../../inspect/checkpoint-summary.js';
import type { MetricOptions } from '../../analysis/metrics.js';
import { writeFileAtomic } from '../../store/atomic-file.js';
import type { PipelineConfig } from '../../config/schema.js';
import { writeJson } from '../../store/json-file.js';
import { FORMAT_VERSION, walkforwardSummarySchema, type IterationRecord, type ResumeEvent, type WalkforwardSummary } from '../../records/index.js';
import type { Window } from '../../windows/build-windows.js';
import { layout, type ExperimentPaths } from '../../store/layout.js';
import { oosCsv, stitchOutOfSample, walkForwardEfficiency } from '../../analysis/out-of-sample.js';
import { experimentLuck, withTrials } from '../../analysis/experiment-luck.js';
import { instrumentSummaries, oosPositionsCsv, stitchPanel } from '../../analysis/panel-out-of-sample.js';
import { CHANCE_DRAWS } from '../selection/index.js';
import { tradingPositions } from '../../env/spaces.js';
import { recordTrial, type TrialInputs } from './record-trial.js';

export interface SummaryInputs {
  paths: ExperimentPaths;
  experiment: string;
  config: PipelineConfig;
  seed: number;
  configHash: string;
  dataSha256: string;
  dates: readonly string[] | null;
  backend: string;
  windows: Window[];
  records: IterationRecord[];
  timings: Map<number, { training: number; evaluation: number; preservation: number }>;
  bestIteration: number | null;
  resumes: ResumeEvent[];
  totalSeconds: number;
  metricOptions: MetricOptions;
  now: () => Date;
  ledger: Pick<TrialInputs, 'warn' | 'recorded'>;
}

/**
 * Writes oos_returns.csv (a panel's: the portfolio's), oos_positions.csv (a panel's instruments), walkforward_summary.json
 * and checkpoint_summary.json from the iteration records; appends the run to its trial ledger first, so that the
 * verdict counts the configurations tried on the same bars.
 */
export async function writeSummaries(s: SummaryInputs): Promise<WalkforwardSummary> {
  const { paths, records } = s;
  const entryCost = (s.config.env.costBps + s.config.env.slippageBps) / 1e4;
  const stitched = stitchOutOfSample(records, entryCost, s.metricOptions);
  await writeFileAtomic(paths.oosReturns, oosCsv(stitched.bars, s.dates));
  const panel = stitchPanel(records);
  if (panel) await writeFileAtomic(paths.oosPositions, oosPositionsCsv(records, s.dates));

  const returns = stitched.bars.map((b) => b.strategyReturn);
  const luck = experimentLuck({
    records,
    stitched,
    seed: s.seed,
    costRate: entryCost,
    allowedPositions: tradingPositions(s.config.env),
    metricOptions: s.metricOptions,
    draws: CHANCE_DRAWS,
    panel,
  });
  const trials = await recordTrial({ ...s, ...s.ledger, experimentRoot: paths.root, returns });
  const fileOf = (r: IterationRecord) =>
    r.kind === 'model' ? [layout.preservedModel(r.iteration), layout.metrics(r.iteration)] : [layout.placeholder(r.iteration)];
  const summary = await writeJson(paths.summary, walkforwardSummarySchema, {
    formatVersion: FORMAT_VERSION,
    experiment: s.experiment,
    seed: s.seed,
    configHash: s.configHash,
    dataSha256: s.dataSha256,
    backend: s.backend,
    windows: s.windows,
    iterations: records.map((r) => ({
      iteration: r.iteration,
      status: r.kind,
      window: r.window,
      selectionScore: r.selection.score,
      selectionStep: r.selection.step,
      validation: r.kind === 'model' ? r.metrics.validation : null,
      test: r.metrics.test,
      buyAndHoldTest: r.buyAndHold.test,
      files: fileOf(r),
      seconds: s.timings.get(r.iteration) ?? { training: 0, evaluation: 0, preservation: 0 },
      performance: r.training.performance,
    })),
    qualified: records.filter((r) => r.kind === 'model').length,
    placeholders: records.filter((r) => r.kind === 'placeholder').length,
    stitched: { bars: stitched.bars.length, strategy: stitched.strategy, buyAndHold: stitched.buyAndHold },
    walkForwardEfficiency: walkForwardEfficiency(records, s.metricOptions),
    tStatistic: stitched.tStatistic,
    luck: withTrials(luck, trials),
    ...(panel ? { panel: { instruments: instrumentSummaries(panel, s.metricOptions) } } : {}),
    bestIteration: s.bestIteration,
    resumes: s.resumes,
    peakRssBytes: Math.max(0, ...records.map((r) => r.training.performance.rssBytes)),
    savesBlockedMs: savesBlocked(records),
    totalSeconds: s.totalSeconds,
    finishedAt: s.now().toISOString(),
  });

  await createCheckpointSummary(paths.root);
  return summary;
}

/** The experiment's training-checkpoint blocking from the iterations' own figures (older records have none). */
function savesBlocked(records: IterationRecord[]): WalkforwardSummary['savesBlockedMs'] {
  const per = records.flatMap((r) =>
    r.training.performance.savesBlockedMs ? [{ ...r.training.performance.savesBlockedMs, seconds: r.training.seconds }] : [],
  );
  if (per.length === 0) return undefined;
  const medians = per.map((p) => p.median).sort((a, b) => a - b);
  const mid = medians.length >> 1;
  const seconds = per.reduce((a, p) => a + p.seconds, 0);
  return {
    median: medians.length % 2 ? medians[mid] : (medians[mid - 1] + medians[mid]) / 2,
    max: Math.max(...per.map((p) => p.max)),
    count: per.reduce((a, p) => a + p.count, 0),
    share: seconds > 0 ? per.reduce((a, p) => a + p.share * p.seconds, 0) / seconds : 0,
  };
}
