import { normalCdf, normalQuantile } from './distributions.js';
import { returnMoments } from './moments.js';

/** What the Sharpe-ratio statistics need to know about a return series (per-bar Sharpe, non-excess kurtosis). */
export interface SharpeSample {
  sharpe: number;
  bars: number;
  skewness: number;
  kurtosis: number;
}

export interface PsrResult {
  /** P(true Sharpe > benchmarkSharpe), in [0, 1]. */
  psr: number | null;
  /** The standardised distance inside Phi. */
  z: number | null;
  /** Per-bar Sharpe of the series tested. */
  sharpe: number | null;
  benchmarkSharpe: number;
  /** sharpe * sqrt(periodsPerYear), when periodsPerYear was given. */
  annualizedSharpe: number | null;
  annualizedBenchmarkSharpe: number | null;
  bars: number;
  skewness: number | null;
  kurtosis: number | null;
  reason: string | null;
}

export interface PsrOptions {
  /** Per-bar Sharpe ratio to beat (SR*); 0 by default. */
  benchmarkSharpe?: number;
  /** Bars per year, for the annualised copies only; the formula itself is per bar. */
  periodsPerYear?: number;
}

/**
 * The probabilistic Sharpe ratio of Bailey & Lopez de Prado (2012), "The Sharpe Ratio Efficient Frontier",
 * Journal of Risk 15(2):
 *   PSR(SR*) = Phi( (SR - SR*) sqrt(T - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2) )
 * with SR the per-bar Sharpe, T the bar count, g3 the skewness and g4 the (non-excess) kurtosis.
 */
export function psrFromSample(sample: SharpeSample, benchmarkSharpe = 0): { psr: number | null; z: number | null; reason: string | null } {
  const { sharpe: sr, bars, skewness: g3, kurtosis: g4 } = sample;
  if (!(bars >= 2)) return { psr: null, z: null, reason: 'needs at least 2 bars' };
  const spread = 1 - g3 * sr + ((g4 - 1) / 4) * sr * sr;
  if (!(spread > 0)) {
    return { psr: null, z: null, reason: `1 - skewness * SR + (kurtosis - 1) / 4 * SR^2 = ${spread} is not positive` };
  }
  const z = ((sr - benchmarkSharpe) * Math.sqrt(bars - 1)) / Math.sqrt(spread);
  return { psr: normalCdf(z), z, reason: null };
}

/** PSR of a per-bar return series against a per-bar Sharpe benchmark (0 by default); moments as moments.ts. */
export function probabilisticSharpeRatio(returns: ArrayLike<number>, options: PsrOptions = {}): PsrResult {
  const benchmarkSharpe = options.benchmarkSharpe ?? 0;
  const m = returnMoments(returns);
  const annualize = (x: number | null): number | null =>
    x === null || options.periodsPerYear === undefined ? null : x * Math.sqrt(options.periodsPerYear);
  const base = {
    sharpe: m.sharpe,
    benchmarkSharpe,
    annualizedSharpe: annualize(m.sharpe),
    annualizedBenchmarkSharpe: annualize(benchmarkSharpe),
    bars: m.bars,
    skewness: m.skewness,
    kurtosis: m.kurtosis,
  };
  if (m.sharpe === null || m.skewness === null || m.kurtosis === null) return { ...base, psr: null, z: null, reason: m.reason };
  const out = psrFromSample({ sharpe: m.sharpe, bars: m.bars, skewness: m.skewness, kurtosis: m.kurtosis }, benchmarkSharpe);
  return { ...base, ...out };
}

/**
 * PSR of the strategy against a benchmark series, taken as the PSR against 0 of the per-bar excess returns
 * strategy - benchmark (the information-ratio reading). This choice, rather than PSR(SR*) with SR* the
 * benchmark's own Sharpe, accounts for the benchmark's sampling noise and for the two series moving together;
 * a strategy that is the benchmark plus noise gets a PSR near 1/2, not one driven by the shared trend.
 * Both series must cover the same bars.
 */
export function psrAgainstBenchmark(
  strategyReturns: ArrayLike<number>,
  benchmarkReturns: ArrayLike<number>,
  options: Omit<PsrOptions, 'benchmarkSharpe'> = {},
): PsrResult {
  if (strategyReturns.length !== benchmarkReturns.length) {
    throw new RangeError(`strategy has ${strategyReturns.length} bars but the benchmark has ${benchmarkReturns.length}`);
  }
  const excess = new Float64Array(strategyReturns.length);
  for (let i = 0; i < excess.length; i++) excess[i] = strategyReturns[i] - benchmarkReturns[i];
  return probabilisticSharpeRatio(excess, options);
}

/**
 * Minimum track record length (same paper): the bar count at which PSR(SR*) reaches `confidence`,
 *   MinTRL = 1 + (1 - g3 SR + (g4 - 1) / 4 SR^2) (Phi^-1(confidence) / (SR - SR*))^2.
 * Null when the observed Sharpe does not exceed the benchmark (no length is enough).
 */
export function minTrackRecordLength(
  sample: Omit<SharpeSample, 'bars'>,
  benchmarkSharpe = 0,
  confidence = 0.95,
): { bars: number | null; reason: string | null } {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const { sharpe: sr, skewness: g3, kurtosis: g4 } = sample;
  if (!(sr > benchmarkSharpe)) return { bars: null, reason: `Sharpe ${sr} does not exceed the benchmark ${benchmarkSharpe}` };
  const spread = 1 - g3 * sr + ((g4 - 1) / 4) * sr * sr;
  if (!(spread > 0)) return { bars: null, reason: `1 - skewness * SR + (kurtosis - 1) / 4 * SR^2 = ${spread} is not positive` };
  return { bars: 1 + spread * (normalQuantile(confidence) / (sr - benchmarkSharpe)) ** 2, reason: null };
}
