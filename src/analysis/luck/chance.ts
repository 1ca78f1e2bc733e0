import type { Rng } from '../../random/rng.js';

/** Plays a position per bar and returns its Sharpe ratio (null when undefined), e.g. envScheduleEvaluator. */
export type ScheduleEvaluator = (positions: Float64Array) => number | null;

export interface ChanceOptions {
  evaluate: ScheduleEvaluator;
  /** Positions a policy may hold, e.g. TradingEnv.positions ([0, 1] or [-1, 0, 1]). */
  allowedPositions: readonly number[];
  /** Bars of each schedule; for a panel whose instruments trade different bars, one count per instrument. */
  bars: number | readonly number[];
  /**
   * The kept model's number of position changes, countPositionChanges(its positions); for a panel, one count per
   * instrument, and each draw is one schedule per instrument with its count, laid end to end (instrument k's bar i
   * at k * bars + i) for `evaluate`.
   */
  changes: number | readonly number[];
  /** The kept model's Sharpe, on the evaluator's scale (same function, same options). */
  keptSharpe: number | null;
  rng: Rng;
  /** Random schedules drawn; 500 by default. */
  draws?: number;
  /** Position held before the first bar; 0 (flat) by default, as TradingEnv.reset starts. */
  initialPosition?: number;
}

export interface ChanceQuantiles {
  p5: number;
  p50: number;
  p95: number;
}

export interface ChanceResult {
  /** Sharpe of each draw in draw order; null where the evaluator found it undefined. */
  sharpes: Array<number | null>;
  draws: number;
  undefinedDraws: number;
  /** Position changes of each draw: the kept model's (summed over a panel's instruments). */
  changes: number;
  bars: number;
  quantiles: ChanceQuantiles | null;
  keptSharpe: number | null;
  /** 100 * (draws below + half the draws equal) / defined draws. */
  keptPercentile: number | null;
  reason: string | null;
}

/**
 * Position changes of a sequence: bars i where positions[i] differs from the position before it, the one
 * before bar 0 being `previousPosition` (0, flat, as TradingEnv starts; entering at bar 0 counts, as it pays cost).
 */
export function countPositionChanges(positions: ArrayLike<number>, previousPosition = 0): number {
  let changes = 0;
  let prev = previousPosition;
  for (let i = 0; i < positions.length; i++) {
    if (positions[i] !== prev) changes++;
    prev = positions[i];
  }
  return changes;
}

/**
 * A random schedule with exactly `changes` position changes: the change bars are a uniformly random
 * `changes`-subset of the bars (partial Fisher-Yates), and at each the position moves to one of the other allowed
 * positions, uniformly; before the first change the schedule holds `initialPosition` (so bar 0 keeps the flat
 * start unless bar 0 is drawn as a change bar, which happens with probability changes / bars).
 */
export function randomSchedule(rng: Rng, allowedPositions: readonly number[], bars: number, changes: number, initialPosition = 0): Float64Array {
  validate(allowedPositions, bars, changes, initialPosition);
  const order = Int32Array.from({ length: bars }, (_, i) => i);
  for (let i = 0; i < changes; i++) {
    const j = i + rng.int(bars - i);
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  const isChange = new Uint8Array(bars);
  for (let i = 0; i < changes; i++) isChange[order[i]] = 1;
  const out = new Float64Array(bars);
  let current = initialPosition;
  for (let t = 0; t < bars; t++) {
    if (isChange[t]) {
      const others = allowedPositions.filter((p) => p !== current);
      current = others[rng.int(others.length)];
    }
    out[t] = current;
  }
  return out;
}

/**
 * The Sharpe ratios a policy earns by luck at the kept model's turnover: `draws` random schedules with exactly
 * `changes` changes (randomSchedule), each played through `evaluate`; their 5/50/95 percentiles and the kept
 * model's percentile among them. Draws whose Sharpe is undefined are counted and left out of both.
 */
export function chanceDistribution(options: ChanceOptions): ChanceResult {
  const { evaluate, allowedPositions, bars, changes, keptSharpe, rng } = options;
  const draws = options.draws ?? 500;
  const initial = options.initialPosition ?? 0;
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`draws must be a positive integer, got ${draws}`);
  const counts = typeof changes === 'number' ? [changes] : changes;
  const lengths = typeof bars === 'number' ? counts.map(() => bars) : bars;
  if (lengths.length !== counts.length) throw new RangeError(`${lengths.length} bar counts for ${counts.length} change counts`);
  counts.forEach((c, k) => validate(allowedPositions, lengths[k], c, initial));
  const sharpes: Array<number | null> = [];
  for (let d = 0; d < draws; d++) {
    const value = evaluate(drawSchedules(rng, allowedPositions, lengths, counts, initial));
    sharpes.push(value !== null && Number.isFinite(value) ? value : null);
  }
  const defined = sharpes.filter((x): x is number => x !== null).sort((a, b) => a - b);
  const base = {
    sharpes,
    draws,
    undefinedDraws: draws - defined.length,
    changes: counts.reduce((a, c) => a + c, 0),
    bars: typeof bars === 'number' ? bars : Math.max(...bars),
    keptSharpe,
  };
  if (defined.length === 0) {
    return { ...base, quantiles: null, keptPercentile: null, reason: 'no random schedule had a defined Sharpe' };
  }
  const quantiles = { p5: quantile(defined, 0.05), p50: quantile(defined, 0.5), p95: quantile(defined, 0.95) };
  if (keptSharpe === null || !Number.isFinite(keptSharpe)) {
    return { ...base, quantiles, keptPercentile: null, reason: "the kept model's Sharpe is undefined" };
  }
  return { ...base, quantiles, keptPercentile: percentileOf(defined, keptSharpe), reason: null };
}

/** One random schedule per count, laid end to end; one count gives randomSchedule's draw itself. */
function drawSchedules(
  rng: Rng,
  allowedPositions: readonly number[],
  bars: readonly number[],
  counts: readonly number[],
  initial: number,
): Float64Array {
  if (counts.length === 1) return randomSchedule(rng, allowedPositions, bars[0], counts[0], initial);
  const out = new Float64Array(bars.reduce((a, b) => a + b, 0));
  let at = 0;
  counts.forEach((c, k) => {
    out.set(randomSchedule(rng, allowedPositions, bars[k], c, initial), at);
    at += bars[k];
  });
  return out;
}

/** Quantile q of ascending `sorted` by linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** 100 * (count below x + half the count equal to x) / count: ties split evenly (the mid-rank convention). */
export function percentileOf(values: readonly number[], x: number): number {
  let below = 0;
  let equal = 0;
  for (const v of values) {
    if (v < x) below++;
    else if (v === x) equal++;
  }
  return (100 * (below + equal / 2)) / values.length;
}

function validate(allowedPositions: readonly number[], bars: number, changes: number, initialPosition: number): void {
  if (allowedPositions.length < 2 || new Set(allowedPositions).size !== allowedPositions.length) {
    throw new RangeError(`allowed positions must be at least 2 distinct values, got ${allowedPositions.join(', ')}`);
  }
  if (!allowedPositions.includes(initialPosition)) throw new RangeError(`initial position ${initialPosition} is not allowed`);
  if (!Number.isInteger(bars) || bars < 1) throw new RangeError(`bars must be a positive integer, got ${bars}`);
  if (!Number.isInteger(changes) || changes < 0 || changes > bars) {
    throw new RangeError(`changes must be an integer in 0..${bars}, got ${changes}`);
  }
}
