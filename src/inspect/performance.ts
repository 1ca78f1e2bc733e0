import { layout } from '../store/layout.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openExperiment } from '../store/experiment.js';
import { luckNow } from './ledger-now.js';
import { walkforwardSummarySchema, type CheckpointAnalysis, type ExperimentLuck, type MetricDigest, type Statistic } from '../records/index.js';
import { metricDigest } from '../analysis/digest.js';
import { analyzeDigests } from '../analysis/checkpoint-analysis.js';

export interface IterationPerformance {
  iteration: number;
  status: 'model' | 'placeholder';
  selectionScore: number | null;
  validationSharpe: number | null;
  validationReturn: number | null;
  testSharpe: number | null;
  testReturn: number | null;
  testMaxDrawdown: number | null;
  buyAndHoldTestSharpe: number | null;
  buyAndHoldTestReturn: number | null;
  /** Validation score of the network before any gradient step, beside selectionScore. */
  untrainedScore: number | null;
  testChancePercentile: number | null;
}

export interface PerformanceAnalysis {
  experiment: string;
  /** Per-iteration validation and test figures; `records` is the same table for DataFrames. */
  iterations: IterationPerformance[];
  records: IterationPerformance[];
  analysis: CheckpointAnalysis;
  outOfSample: {
    strategy: MetricDigest;
    buyAndHold: MetricDigest;
    bars: number;
    walkForwardEfficiency: Statistic;
    tStatistic: Statistic;
    /**
     * Whether the result is distinguishable from luck, with the numbers behind it; the configurations tried on the
     * same bars are those the trial ledger holds now.
     */
    luck: ExperimentLuck;
    /** How many configurations the summary counted when the run finished, where the ledger now holds another number. */
    trialsCountedThen: number | null;
  } | null;
  /** Why outOfSample is null (the run has not written its summary yet). */
  outOfSampleReason: string | null;
  /** Damage found while reading (a damaged index, an edited record), each naming the file; empty when all agrees. */
  warnings: string[];
}

/**
 * Which iterations worked and whether validation predicted test: spread of validation and test Sharpe and return,
 * best iteration by each, the trend of test Sharpe over iterations, their correlation, placeholders, and the
 * stitched out-of-sample result against buy-and-hold with the walk-forward efficiency.
 */
export async function analyzeCheckpointPerformance(experimentDir: string): Promise<PerformanceAnalysis> {
  const exp = await openExperiment(experimentDir);
  const iterations: IterationPerformance[] = exp.digests.map((d) => ({
    iteration: d.iteration,
    status: d.status,
    selectionScore: d.selectionScore,
    validationSharpe: d.validation?.sharpe ?? null,
    validationReturn: d.validation?.totalReturn ?? null,
    testSharpe: d.test.sharpe,
    testReturn: d.test.totalReturn,
    testMaxDrawdown: d.test.maxDrawdown,
    buyAndHoldTestSharpe: d.buyAndHoldTest.sharpe,
    buyAndHoldTestReturn: d.buyAndHoldTest.totalReturn,
    untrainedScore: d.untrainedScore ?? null,
    testChancePercentile: d.testChancePercentile ?? null,
  }));
  let outOfSample: PerformanceAnalysis['outOfSample'] = null;
  let outOfSampleReason: string | null = null;
  // No summary yet: outOfSampleReason below says so.
  const text = await readFile(join(exp.root, layout.summary), 'utf8').catch(() => null);
  const parsed = text === null ? null : walkforwardSummarySchema.safeParse(parseOrNull(text));
  const warnings = [...exp.warnings];
  if (parsed?.success) {
    const summary = parsed.data;
    const now = await luckNow(exp.root, summary);
    warnings.push(...now.warnings);
    outOfSample = {
      strategy: metricDigest(summary.stitched.strategy),
      buyAndHold: metricDigest(summary.stitched.buyAndHold),
      bars: summary.stitched.bars,
      walkForwardEfficiency: summary.walkForwardEfficiency,
      tStatistic: summary.tStatistic,
      luck: now.luck,
      trialsCountedThen: now.countedThen,
    };
  } else {
    outOfSampleReason =
      text === null
        ? `no ${layout.summary} yet: the run has not finished`
        : `${layout.summary} does not match the current format (written by another version); rerun the experiment to refresh it`;
  }
  return {
    experiment: exp.experiment,
    iterations,
    records: iterations,
    analysis: analyzeDigests(exp.digests),
    outOfSample,
    outOfSampleReason,
    warnings,
  };
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Damaged JSON: the schema check that follows reports the summary as unreadable.
    return null;
  }
}
