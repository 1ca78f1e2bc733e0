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
import type { ChanceSummary, ExperimentLuck, IterationRecord, LedgerTrials, ValidationSearch } from '../records/index.js';

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
 * - PSR (Bailey and Lopez de Prado 2012) of the stitched returns against 0 and against buy-and-hold. Each test segment
 *   is traded by a model chosen on validation, whose bars took no part in the choice: under the null of no skill its
 *   expected test Sharpe is 0, so PSR against 0 is the test, not the DSR against the best of the candidates;
 * - Newey-West t of the mean return (Bartlett kernel, automatic lags) beside the plain t; the verdict takes its
 *   one-sided p-value, as skill shows as a mean above 0;
 * - the strategy's percentile among random position sequences with its number of position changes;
 * - as diagnostics of the validation search: the kept models' validation DSR against what luck gives the best of each
 *   iteration's N candidates, and PBO pooled over all iterations' CSCV combinations (Bailey, Borwein, Lopez de Prado
 *   and Zhu 2017).
 * The search that does inflate an out-of-sample result, the configurations a researcher tried on the same bars, is
 * counted by the trial ledger and joins the verdict through `withTrials`.
 */
export function experimentLuck(inputs: ExperimentLuckInputs): ExperimentLuck {
  const { stitched, records, metricOptions } = inputs;
  const returns = stitched.bars.map((b) => b.strategyReturn);
  const hold = stitched.bars.map((b) => b.buyAndHoldReturn);
  const significance = meanSignificance(returns);
  const luck: ExperimentLuck = {
    psr: {
      vsZero: psrBrief(probabilisticSharpeRatio(returns, { periodsPerYear: metricOptions.periodsPerYear })),
      vsBuyAndHold: psrBrief(psrAgainstBenchmark(returns, hold, { periodsPerYear: metricOptions.periodsPerYear })),
    },
    validationSearch: validationSearch(records, metricOptions.periodsPerYear),
    significance: {
      lags: significance.lags,
      neweyWestT: significance.neweyWestT,
      neweyWestPValue: significance.neweyWestPValue,
      iidT: significance.iidT,
      iidPValue: significance.iidPValue,
      reason: significance.reason,
    },
    pbo: pooledPbo(records),
    chance: stitchedChance(inputs, returns),
    untrained: untrainedBeside(records),
    trials: null,
    verdict: 'indistinguishable from chance',
    sentence: '',
  };
  return withTrials(luck, null);
}

/**
 * The luck record with the configurations tried on the same bars (null: no ledger was counted) and the verdict
 * that weighs them: PSR, Newey-West p and chance percentile always, the DSR over the trials when there are 2 or more.
 */
export function withTrials(luck: ExperimentLuck, trials: LedgerTrials | null): ExperimentLuck {
  const verdict = luckVerdict({
    psr: luck.psr.vsZero.psr,
    neweyWestPValue: oneSided(luck.significance.neweyWestT, luck.significance.neweyWestPValue),
    chancePercentile: luck.chance.keptPercentile,
    trials,
  });
  return { ...luck, trials, verdict: verdict.verdict, sentence: verdict.sentence, checks: verdict.checks };
}

/** The one-sided p-value of a mean above 0 from a two-sided p-value and the sign of its t. */
export function oneSided(t: number | null, twoSided: number | null): number | null {
  if (t === null || twoSided === null) return null;
  return t > 0 ? twoSided / 2 : 1 - twoSided / 2;
}

/**
 * How far the kept models' validation Sharpe ratios stand above what luck gives the best of N candidates with their
 * spread of Sharpe ratios (DSR, Bailey and Lopez de Prado 2014, on the validation bars the choice was made on). A
 * diagnostic of the search, reported beside PBO: a walk-forward trades the chosen model on bars the choice never saw.
 */
function validationSearch(records: IterationRecord[], periodsPerYear: number): ValidationSearch {
  const kept: number[] = [];
  const luck: number[] = [];
  const dsrs: number[] = [];
  const counts: number[] = [];
  for (const r of records) {
    if (r.kind !== 'model') continue;
    const sharpes = r.selection.candidates.map((c) => returnMoments(decodeFloats(c.returns)).sharpe).filter((s): s is number => s !== null);
    const variance = trialSharpeVariance(sharpes);
    const chosen = keptCandidate(r);
    if (variance === null || !chosen) continue;
    const trials = trialsBehind(r);
    const dsr = deflatedSharpeRatio(decodeFloats(chosen.returns), { trials, sharpeVariance: variance });
    if (dsr.sharpe === null || dsr.dsr === null || dsr.expectedMaxSharpe === null) continue;
    counts.push(trials);
    kept.push(dsr.sharpe);
    luck.push(dsr.expectedMaxSharpe);
    dsrs.push(dsr.dsr);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const annual = Math.sqrt(periodsPerYear);
  if (!dsrs.length)
    return {
      iterations: 0,
      trials: 1,
      keptSharpe: null,
      expectedMaxSharpe: null,
      dsr: null,
      reaching: 0,
      reason: 'no iteration kept a model chosen among 2 or more candidates with a defined Sharpe ratio',
    };
  return {
    iterations: dsrs.length,
    trials: Math.max(1, Math.round(mean(counts))),
    keptSharpe: mean(kept) * annual,
    expectedMaxSharpe: mean(luck) * annual,
    dsr: mean(dsrs),
    reaching: dsrs.filter((d) => d >= DEFAULT_VERDICT_THRESHOLDS.minDsr).length,
    reason: null,
  };
}

/** The candidate the iteration kept: the vote, or the kept seed's candidate at the selection's step. */
function keptCandidate(r: IterationRecord): IterationRecord['selection']['candidates'][number] | null {
  const s = r.selection;
  if (s.kept === 'vote') return s.vote?.candidate ?? null;
  const seed = s.kept ?? 0;
  return s.candidates.find((c) => c.step === s.step && (c.seed ?? 0) === seed) ?? null;
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
