import { normalQuantile } from './distributions.js';
import { returnMoments } from './moments.js';
import { psrFromSample, type SharpeSample } from './psr.js';

/** The Euler-Mascheroni constant. */
export const EULER_GAMMA = 0.5772156649015329;

export interface DsrResult {
  /** PSR against the expected maximum Sharpe of `trials` skill-less trials, in [0, 1]. */
  dsr: number | null;
  z: number | null;
  /** SR0, per bar. */
  expectedMaxSharpe: number | null;
  /** Per-bar Sharpe of the selected series. */
  sharpe: number | null;
  annualizedSharpe: number | null;
  annualizedExpectedMaxSharpe: number | null;
  trials: number;
  /** Variance of the trials' per-bar Sharpe ratios. */
  sharpeVariance: number;
  bars: number;
  skewness: number | null;
  kurtosis: number | null;
  reason: string | null;
}

export interface DsrOptions {
  /** Number of independent trials N the series was selected from (at least 1). */
  trials: number;
  /**
   * Variance across the trials of their PER-BAR Sharpe ratios. A variance of annualised Sharpes divides by
   * periodsPerYear (the Sharpe scales with sqrt(periodsPerYear), its variance with periodsPerYear).
   */
  sharpeVariance: number;
  /** Bars per year, for the annualised copies only. */
  periodsPerYear?: number;
}

/**
 * Expected maximum Sharpe of N skill-less trials whose Sharpe estimates have variance V (Bailey & Lopez de
 * Prado 2014, "The Deflated Sharpe Ratio", Journal of Portfolio Management 40(5), eq. 1, from the extreme-value
 * approximation of Bailey, Borwein, Lopez de Prado & Zhu 2014):
 *   SR0 = sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e)))
 * N = 1 is no selection at all, so SR0 = 0 (the formula would give -Infinity). The approximation is made for
 * N >> 1 and dips below zero for 1 < N < about 1.3 (a fractional, effective trial count); it is floored at 0
 * there, since having selected can never lower the bar.
 */
export function expectedMaxSharpe(trials: number, sharpeVariance: number): number {
  if (!(trials >= 1)) throw new RangeError(`trials must be at least 1, got ${trials}`);
  if (!(sharpeVariance >= 0)) throw new RangeError(`sharpeVariance must be non-negative, got ${sharpeVariance}`);
  if (trials === 1 || sharpeVariance === 0) return 0;
  const z = (1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E));
  return Math.max(0, Math.sqrt(sharpeVariance) * z);
}

/** Sample variance (ddof 1) of the trials' Sharpe ratios; null for fewer than 2 trials. */
export function trialSharpeVariance(sharpes: ArrayLike<number>): number | null {
  const n = sharpes.length;
  if (n < 2) return null;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sharpes[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sharpes[i] - mean) ** 2;
  return ss / (n - 1);
}

/** DSR = PSR(SR0) of a sample's moments (DSR paper, eq. 2). */
export function dsrFromSample(
  sample: SharpeSample,
  trials: number,
  sharpeVariance: number,
): { dsr: number | null; z: number | null; expectedMaxSharpe: number; reason: string | null } {
  const sr0 = expectedMaxSharpe(trials, sharpeVariance);
  const out = psrFromSample(sample, sr0);
  return { dsr: out.psr, z: out.z, expectedMaxSharpe: sr0, reason: out.reason };
}

/** The deflated Sharpe ratio of the selected series' per-bar returns; moments as moments.ts. */
export function deflatedSharpeRatio(returns: ArrayLike<number>, options: DsrOptions): DsrResult {
  const { trials, sharpeVariance, periodsPerYear } = options;
  const annualize = (x: number | null): number | null => (x === null || periodsPerYear === undefined ? null : x * Math.sqrt(periodsPerYear));
  const m = returnMoments(returns);
  const sr0 = expectedMaxSharpe(trials, sharpeVariance);
  const base = {
    expectedMaxSharpe: sr0,
    sharpe: m.sharpe,
    annualizedSharpe: annualize(m.sharpe),
    annualizedExpectedMaxSharpe: annualize(sr0),
    trials,
    sharpeVariance,
    bars: m.bars,
    skewness: m.skewness,
    kurtosis: m.kurtosis,
  };
  if (m.sharpe === null || m.skewness === null || m.kurtosis === null) return { ...base, dsr: null, z: null, reason: m.reason };
  const out = dsrFromSample({ sharpe: m.sharpe, bars: m.bars, skewness: m.skewness, kurtosis: m.kurtosis }, trials, sharpeVariance);
  return { ...base, dsr: out.dsr, z: out.z, reason: out.reason };
}
