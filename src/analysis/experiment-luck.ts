import {
  chanceDistribution,
  DEFAULT_VERDICT_THRESHOLDS,
  countPositionChanges,
  deflatedSharpeRatio,
  luckVerdict,
  matrixFromColumns,
  meanSignificance,
  probabilisticSharpeRatio,
  probabilityOfBacktestOverfitting,
  psrAgainstBenchmark,
  returnMoments,
  trialSharpeVariance,
  type ChanceResult,
  type PsrResult,
} from './luck/index.js';
import { computeMetrics, type MetricOptions } from './metrics.js';
import type { Stitched } from './out-of-sample.js';
import { panelStitchedChance, type StitchedInstrument } from './panel-out-of-sample.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { decodeFloats } from '../records/index.js';
import type { ChanceSummary, ExperimentLuck, IterationRecord } from '../records/index.js';

export interface ExperimentLuckInputs {
  records: IterationRecord[];
  stitched: Stitched;
  seed: number;
  /** Cost per unit of position change (costBps + slippageBps) / 1e4, as the environment charges it. */
  costRate: number;
  allowedPositions: readonly number[];
  metricOptions: MetricOptions;
  draws: number;
  /** A panel run's instruments over the stitched bars: the chance distribution draws positions per instrument. */
  panel?: StitchedInstrument[] | null;
}

/**
 * The statistics that say whether the stitched out-of-sample result is luck:
 * - PSR (Bailey and Lopez de Prado 2012) of the stitched returns against a Sharpe of 0 and against buy-and-hold;
 * - DSR (Bailey and Lopez de Prado 2014). Each test segment is traded by the best of its iteration's N candidates, so
 *   N is the mean number of candidates per iteration, and V[SR] the mean variance of the candidates' per-bar
 *   validation Sharpe ratios within an iteration. The paper measures V on the same sample as the tested series;
 *   validation segments are shorter than the stitched series, and the spread of Sharpe estimates shrinks as 1/T, so V
 *   is rescaled by validation bars / stitched bars. On a market without signal this puts the expected best-of-N
 *   Sharpe about 1.5 standard errors above 0, so the DSR stays below 0.5 about nine times in ten;
 * - Newey-West t of the mean return (Bartlett kernel, automatic lags) beside the plain t;
 * - PBO pooled: the share of all iterations' CSCV combinations (Bailey, Borwein, Lopez de Prado and Zhu 2017) whose
 *   in-sample best lands in the lower half out of sample;
 * - the strategy's percentile among random position sequences with its number of position changes.
 */
export function experimentLuck(inputs: ExperimentLuckInputs): ExperimentLuck {
  const { stitched, records, metricOptions } = inputs;
  const returns = stitched.bars.map((b) => b.strategyReturn);
  const hold = stitched.bars.map((b) => b.buyAndHoldReturn);
  const selection = selectionBreadth(records, returns.length);
  const dsr =
    selection.variance === null
      ? null
      : deflatedSharpeRatio(returns, { trials: selection.trials, sharpeVariance: selection.variance, periodsPerYear: metricOptions.periodsPerYear });
  const significance = meanSignificance(returns);
  const pbo = pooledPbo(records);
  const chance = stitchedChance(inputs, returns);
  // PBO judges the choice among candidates, not the strategy: when every candidate learned the same signal their
  // ranking out of sample is a coin toss and PBO is near 0.5 although the result is far from luck. It is reported
  // beside the verdict, not in it.
  const verdict = luckVerdict(
    { dsr: dsr?.dsr ?? null, pbo: pbo.pbo, neweyWestPValue: significance.neweyWestPValue, chancePercentile: chance.keptPercentile },
    { ...DEFAULT_VERDICT_THRESHOLDS, maxPbo: null },
  );
  return {
    psr: {
      vsZero: psrBrief(probabilisticSharpeRatio(returns, { periodsPerYear: metricOptions.periodsPerYear })),
      vsBuyAndHold: psrBrief(psrAgainstBenchmark(returns, hold, { periodsPerYear: metricOptions.periodsPerYear })),
    },
    dsr: {
      dsr: dsr?.dsr ?? null,
      trials: selection.trials,
      sharpeVariance: selection.variance,
      expectedMaxSharpe: dsr?.expectedMaxSharpe ?? null,
      annualizedExpectedMaxSharpe: dsr?.annualizedExpectedMaxSharpe ?? null,
      reason: dsr ? dsr.reason : 'fewer than 2 candidates with a defined Sharpe ratio',
    },
    significance: {
      lags: significance.lags,
      neweyWestT: significance.neweyWestT,
      neweyWestPValue: significance.neweyWestPValue,
      iidT: significance.iidT,
      iidPValue: significance.iidPValue,
      reason: significance.reason,
    },
    pbo,
    chance,
    untrained: untrainedBeside(records),
    verdict: verdict.verdict,
    sentence: verdict.sentence,
  };
}

/** N and V[SR] of the DSR: candidates per iteration and their Sharpe spread, rescaled to the stitched horizon. */
function selectionBreadth(records: IterationRecord[], stitchedBars: number): { trials: number; variance: number | null } {
  const counts: number[] = [];
  const variances: number[] = [];
  const bars: number[] = [];
  for (const r of records) {
    const series = r.selection.candidates.map((c) => decodeFloats(c.returns));
    const sharpes = series.map((s) => returnMoments(s).sharpe).filter((s): s is number => s !== null);
    counts.push(trialsBehind(r));
    const v = trialSharpeVariance(sharpes);
    if (v === null) continue;
    variances.push(v);
    bars.push(series[0].length);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const trials = Math.max(1, Math.round(counts.length ? mean(counts) : 1));
  if (!variances.length || stitchedBars === 0) return { trials, variance: null };
  return { trials, variance: (mean(variances) * mean(bars)) / stitchedBars };
}

/**
 * N of the DSR for one iteration: the number of independent trials behind its selection (Bailey and Lopez de Prado
 * 2014). With one seed, or with several and selection.ensemble=none, the kept model is the maximum over all
 * candidates, so all of them count. A vote is not a maximum over seeds: each member is the maximum over its own
 * seed's candidates and the vote combines them all without choosing among them, so the selection behind the kept
 * model is one seed's search: the mean number of candidates per seed.
 */
function trialsBehind(r: IterationRecord): number {
  const all = r.selection.candidates.length;
  const seeds = r.training.seeds?.length ?? 1;
  return r.selection.kept === 'vote' ? all / seeds : all;
}

function psrBrief(r: PsrResult): ExperimentLuck['psr']['vsZero'] {
  return { psr: r.psr, sharpe: r.sharpe, annualizedSharpe: r.annualizedSharpe, bars: r.bars, reason: r.reason };
}

function pooledPbo(records: IterationRecord[]): ExperimentLuck['pbo'] {
  const logits: number[] = [];
  let iterations = 0;
  for (const r of records) {
    if (r.selection.candidates.length < 2) continue;
    const result = probabilityOfBacktestOverfitting(matrixFromColumns(r.selection.candidates.map((c) => decodeFloats(c.returns))));
    if (result.pbo === null) continue;
    logits.push(...result.logits);
    iterations++;
  }
  if (!logits.length)
    return { pbo: null, combinations: 0, iterations: 0, reason: 'no iteration had 2 or more candidates over enough validation bars' };
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, combinations: logits.length, iterations, reason: null };
}

/** Random schedules over the stitched bars, their returns computed as the environment does: position times the bar's return, less costs. */
function stitchedChance(inputs: ExperimentLuckInputs, returns: number[]): ChanceSummary {
  const { stitched, costRate, metricOptions } = inputs;
  if (inputs.panel) {
    const keptSharpe = computeMetrics(
      returns,
      stitched.bars.map((b) => b.position),
      metricOptions,
    ).sharpe;
    const rng = Rng.fromSeed(deriveSeed(inputs.seed, 'chance', 'stitched'));
    return chanceSummary(panelStitchedChance(inputs.panel, stitched.bars.length, keptSharpe, { ...inputs, rng }));
  }
  const market = stitched.bars.map((b, i) => (i === 0 ? b.buyAndHoldReturn + costRate : b.buyAndHoldReturn));
  const positions = stitched.bars.map((b) => b.position);
  const evaluate = (schedule: Float64Array) => {
    const r = Array.from(schedule, (p, i) => p * market[i] - costRate * Math.abs(p - (i === 0 ? 0 : schedule[i - 1])));
    return computeMetrics(r, Array.from(schedule), metricOptions).sharpe;
  };
  const result = chanceDistribution({
    evaluate,
    allowedPositions: inputs.allowedPositions,
    bars: stitched.bars.length,
    changes: countPositionChanges(positions),
    keptSharpe: computeMetrics(returns, positions, metricOptions).sharpe,
    rng: Rng.fromSeed(deriveSeed(inputs.seed, 'chance', 'stitched')),
    draws: inputs.draws,
  });
  return chanceSummary(result);
}

function untrainedBeside(records: IterationRecord[]): ExperimentLuck['untrained'] {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const withReference = records.filter((r) => r.selection.untrained?.score !== null && r.selection.untrained?.score !== undefined);
  const kept = records.filter((r) => r.kind === 'model' && r.selection.score !== null);
  return {
    meanScore: mean(withReference.map((r) => r.selection.untrained?.score as number)),
    keptMeanScore: mean(kept.map((r) => r.selection.score as number)),
    iterations: withReference.length,
  };
}

/** The record's brief of a chance distribution: its quantiles and the kept model's place, without every draw. */
export function chanceSummary(result: ChanceResult): ChanceSummary {
  return {
    draws: result.draws,
    changes: result.changes,
    bars: result.bars,
    p5: result.quantiles?.p5 ?? null,
    p50: result.quantiles?.p50 ?? null,
    p95: result.quantiles?.p95 ?? null,
    keptSharpe: result.keptSharpe,
    keptPercentile: result.keptPercentile,
    reason: result.reason,
  };
}
