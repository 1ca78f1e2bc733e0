/**
 * Statistics that say whether a backtest result is luck: moments, the probabilistic and deflated Sharpe ratios,
 * the probability of backtest overfitting (CSCV), the deflation for configurations tried on the same bars, Newey-West significance of the mean, the chance distribution of
 * random policies with the same turnover, and a verdict that weighs them. Pure functions on plain numbers and
 * Float64Arrays (per-bar simple returns); Sharpe ratios are per bar unless a field says annualised.
 */
export { returnMoments, type ReturnMoments } from './moments.js';
export { normalCdf, normalQuantile, normalTwoSidedPValue, studentTCdf, studentTTwoSidedPValue } from './distributions.js';
export { logGamma, logBeta, regularizedGammaP, regularizedGammaQ, regularizedBeta } from './special.js';
export {
  probabilisticSharpeRatio,
  psrAgainstBenchmark,
  psrFromSample,
  minTrackRecordLength,
  type SharpeSample,
  type PsrResult,
  type PsrOptions,
} from './psr.js';
export { deflatedSharpeRatio, dsrFromSample, expectedMaxSharpe, trialSharpeVariance, EULER_GAMMA, type DsrResult, type DsrOptions } from './dsr.js';
export { meanSignificance, neweyWestLags, type MeanSignificance, type NeweyWestOptions } from './newey-west.js';
export { matrixFromColumns, combinations, binomial, type ReturnMatrix } from './matrix.js';
export { probabilityOfBacktestOverfitting, choosePartitions, type PboOptions, type PboResult } from './pbo.js';
export {
  chanceDistribution,
  countPositionChanges,
  randomSchedule,
  quantile,
  percentileOf,
  type ScheduleEvaluator,
  type ChanceOptions,
  type ChanceQuantiles,
  type ChanceResult,
} from './chance.js';
export { trialDeflation, type TrialDeflation } from './trial-deflation.js';
export {
  luckVerdict,
  DEFAULT_VERDICT_THRESHOLDS,
  type LuckEvidence,
  type VerdictThresholds,
  type VerdictLabel,
  type VerdictCheck,
  type LuckVerdict,
} from './verdict.js';
