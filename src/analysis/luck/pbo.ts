import { combinations, type ReturnMatrix } from './matrix.js';

export interface PboOptions {
  /** Requested number of partitions S (even); 16 by default, as the paper. */
  partitions?: number;
  /** Fewest bars a partition may hold; S is lowered (by 2) until floor(T / S) reaches it. 10 by default. */
  minBarsPerPartition?: number;
}

export interface PboResult {
  /** Share of combinations whose in-sample best ranks at or below the out-of-sample median (logit <= 0). */
  pbo: number | null;
  /** lambda_c = ln(w / (1 - w)) per combination, in the order of combinations() (lexicographic). */
  logits: number[];
  combinations: number;
  partitions: number | null;
  barsPerPartition: number | null;
  /** The oldest T mod S bars, left out so that every partition has the same length. */
  barsDropped: number;
  bars: number;
  candidates: number;
  /** OLS slope and intercept of the out-of-sample on the in-sample per-bar Sharpe of the selected candidate. */
  degradationSlope: number | null;
  degradationIntercept: number | null;
  /** Share of combinations whose selected candidate has a negative out-of-sample Sharpe. */
  probabilityOfOosLoss: number | null;
  reason: string | null;
}

/**
 * The partition count used for T bars: the largest even S <= requested with floor(T / S) >= minBarsPerPartition
 * (a rule of this module: a partition of a few bars says little about the regime it covers), or null when even
 * S = 2 leaves partitions shorter than that.
 */
export function choosePartitions(bars: number, requested = 16, minBarsPerPartition = 10): number | null {
  if (!Number.isInteger(requested) || requested < 2 || requested % 2 !== 0) {
    throw new RangeError(`partitions must be an even integer >= 2, got ${requested}`);
  }
  if (!Number.isInteger(minBarsPerPartition) || minBarsPerPartition < 1) {
    throw new RangeError(`minBarsPerPartition must be a positive integer, got ${minBarsPerPartition}`);
  }
  for (let s = requested; s >= 2; s -= 2) if (Math.floor(bars / s) >= minBarsPerPartition) return s;
  return null;
}

/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey, Borwein, Lopez de
 * Prado & Zhu 2017, "The Probability of Backtest Overfitting", Journal of Computational Finance 20(4), section
 * 2.3): the T x N matrix is cut into S equal partitions in time order; for each of the C(S, S/2) ways to pick
 * S/2 of them as the in-sample half (the rest, in time order, is out of sample), the candidate with the best
 * in-sample Sharpe is found, its out-of-sample rank r among the N candidates (1 = worst) gives the relative rank
 * w = r / (N + 1) and the logit lambda = ln(w / (1 - w)); PBO is the share of combinations with lambda <= 0
 * (the paper's indicator of (-inf, 0]).
 * Ties, deterministically: the in-sample best is the lowest-indexed candidate among equal Sharpes; an
 * out-of-sample rank among equal Sharpes is their average rank. A half on which a candidate has zero variance
 * gives it Sharpe +-Infinity by the sign of its mean, 0 when the mean is 0. Sharpe ratios are per bar.
 */
export function probabilityOfBacktestOverfitting(matrix: ReturnMatrix, options: PboOptions = {}): PboResult {
  const { bars, candidates: nCand } = matrix;
  const s = choosePartitions(bars, options.partitions ?? 16, options.minBarsPerPartition ?? 10);
  const none = {
    pbo: null,
    logits: [],
    combinations: 0,
    partitions: s,
    barsPerPartition: null,
    barsDropped: 0,
    bars,
    candidates: nCand,
    degradationSlope: null,
    degradationIntercept: null,
    probabilityOfOosLoss: null,
  };
  if (nCand < 2) return { ...none, reason: 'needs at least 2 candidates: with one there is no selection to overfit' };
  if (s === null) return { ...none, reason: `${bars} bars cannot make 2 partitions of ${options.minBarsPerPartition ?? 10} bars` };
  const blockLen = Math.floor(bars / s);
  const dropped = bars - blockLen * s;
  const { sums, squares, centres } = blockSums(matrix, s, blockLen, dropped);
  const half = (s / 2) * blockLen;
  const isSharpe = new Float64Array(nCand);
  const oosSharpe = new Float64Array(nCand);
  const logits: number[] = [];
  const selectedIs: number[] = [];
  const selectedOos: number[] = [];
  for (const combo of combinations(s, s / 2)) {
    for (let n = 0; n < nCand; n++) {
      let sIs = 0;
      let qIs = 0;
      for (const b of combo) {
        sIs += sums[b * nCand + n];
        qIs += squares[b * nCand + n];
      }
      isSharpe[n] = sharpeFromSums(sIs, qIs, half, centres[n]);
      oosSharpe[n] = sharpeFromSums(sums[s * nCand + n] - sIs, squares[s * nCand + n] - qIs, half, centres[n]);
    }
    let best = 0;
    for (let n = 1; n < nCand; n++) if (isSharpe[n] > isSharpe[best]) best = n;
    let below = 0;
    let equal = 0;
    for (let n = 0; n < nCand; n++) {
      if (oosSharpe[n] < oosSharpe[best]) below++;
      else if (oosSharpe[n] === oosSharpe[best]) equal++;
    }
    const w = (below + (equal + 1) / 2) / (nCand + 1);
    logits.push(Math.log(w / (1 - w)));
    selectedIs.push(isSharpe[best]);
    selectedOos.push(oosSharpe[best]);
  }
  const count = logits.length;
  const fit = leastSquares(selectedIs, selectedOos);
  return {
    ...none,
    pbo: logits.filter((l) => l <= 0).length / count,
    logits,
    combinations: count,
    barsPerPartition: blockLen,
    barsDropped: dropped,
    degradationSlope: fit.slope,
    degradationIntercept: fit.intercept,
    probabilityOfOosLoss: selectedOos.filter((x) => x < 0).length / count,
    reason: fit.slope === null ? `performance degradation: ${fit.reason}` : null,
  };
}

/**
 * Per partition b and candidate n, the sum and sum of squares of (r - centre_n), centre_n the candidate's mean
 * (shifting first keeps var = (q - s^2 / m) / (m - 1) free of cancellation); index s * N + n holds the totals.
 */
function blockSums(matrix: ReturnMatrix, s: number, blockLen: number, dropped: number) {
  const nCand = matrix.candidates;
  const centres = new Float64Array(nCand);
  for (let t = dropped; t < matrix.bars; t++) for (let n = 0; n < nCand; n++) centres[n] += matrix.data[t * nCand + n];
  for (let n = 0; n < nCand; n++) centres[n] /= matrix.bars - dropped;
  const sums = new Float64Array((s + 1) * nCand);
  const squares = new Float64Array((s + 1) * nCand);
  for (let b = 0; b < s; b++) {
    for (let t = dropped + b * blockLen; t < dropped + (b + 1) * blockLen; t++) {
      for (let n = 0; n < nCand; n++) {
        const x = matrix.data[t * nCand + n] - centres[n];
        sums[b * nCand + n] += x;
        squares[b * nCand + n] += x * x;
      }
    }
    for (let n = 0; n < nCand; n++) {
      sums[s * nCand + n] += sums[b * nCand + n];
      squares[s * nCand + n] += squares[b * nCand + n];
    }
  }
  return { sums, squares, centres };
}

function sharpeFromSums(shiftedSum: number, shiftedSquares: number, m: number, centre: number): number {
  const mean = centre + shiftedSum / m;
  const variance = (shiftedSquares - (shiftedSum * shiftedSum) / m) / (m - 1);
  if (variance > 0) return mean / Math.sqrt(variance);
  return mean > 0 ? Infinity : mean < 0 ? -Infinity : 0;
}

function leastSquares(xs: number[], ys: number[]): { slope: number | null; intercept: number | null; reason: string | null } {
  if (xs.some((x) => !Number.isFinite(x)) || ys.some((y) => !Number.isFinite(y))) {
    return { slope: null, intercept: null, reason: 'a selected candidate had zero variance on a half' };
  }
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxx = 0;
  let sxy = 0;
  xs.forEach((x, i) => {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (ys[i] - my);
  });
  if (!(sxx > 0)) return { slope: null, intercept: null, reason: 'the in-sample Sharpe of the selection never varies' };
  return { slope: sxy / sxx, intercept: my - (sxy / sxx) * mx, reason: null };
}
