import { dsrFromSample, expectedMaxSharpe, trialSharpeVariance } from './dsr.js';
import type { SharpeSample } from './psr.js';

export interface TrialDeflation {
  /** K: the distinct configurations tried on the same bars, this one included. */
  count: number;
  /** Variance of their per-bar out-of-sample Sharpe ratios (null for fewer than 2). */
  sharpeVariance: number | null;
  /** What luck alone gives the best of K skill-less trials, per bar and annualised. */
  expectedMaxSharpe: number | null;
  annualizedExpectedMaxSharpe: number | null;
  /** The best of the K, annualised. */
  annualizedBestSharpe: number | null;
  /** PSR of the tested series against the expected maximum. */
  dsr: number | null;
  reason: string | null;
}

/**
 * The deflated Sharpe ratio of Bailey and Lopez de Prado (2014) with trials = the configurations a researcher ran on
 * the same out-of-sample bars and V = the variance of their out-of-sample Sharpe ratios: the search that does inflate
 * an out-of-sample result, because its best is chosen by looking at those very bars.
 */
export function trialDeflation(sample: SharpeSample | null, trialSharpes: readonly number[], periodsPerYear?: number): TrialDeflation {
  const annualize = (x: number | null) => (x === null || periodsPerYear === undefined ? null : x * Math.sqrt(periodsPerYear));
  const count = trialSharpes.length;
  const variance = trialSharpeVariance(trialSharpes);
  const best = count ? Math.max(...trialSharpes) : null;
  const none = { count, sharpeVariance: variance, annualizedBestSharpe: annualize(best), dsr: null };
  if (variance === null) return { ...none, expectedMaxSharpe: null, annualizedExpectedMaxSharpe: null, reason: 'fewer than 2 configurations tried' };
  const sr0 = expectedMaxSharpe(count, variance);
  const out = { ...none, expectedMaxSharpe: sr0, annualizedExpectedMaxSharpe: annualize(sr0) };
  if (!sample) return { ...out, reason: 'the out-of-sample returns have no Sharpe ratio (no variance)' };
  const dsr = dsrFromSample(sample, count, variance);
  return { ...out, dsr: dsr.dsr, reason: dsr.reason };
}
