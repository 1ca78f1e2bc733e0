import { ConfigError } from '../../errors/index.js';
import { Rng } from '../../random/rng.js';
import { generateAr1Returns, pricesFromLogReturns, resolveAr1 } from './ar1.js';
import { businessDays, parseIsoDate } from './calendar.js';
import { businessDaysLeft, NOISE_SDS, outOfRangePrice, reachProblem } from './bounds.js';
import { generateOuPrices, resolveOu } from './ou.js';
import { generateRegimeReturns, resolveRegime } from './regime.js';
import {
  DEFAULT_PERIODS_PER_YEAR,
  DEFAULT_START_DATE,
  DEFAULT_START_PRICE,
  syntheticKinds,
  type GenerateOptions,
  type ResolvedParams,
  type SyntheticParams,
  type SyntheticSeries,
} from './types.js';

/** Names a parameter in a problem message: the key itself in the library, the flag on the command line. */
export type ParamLabel = (key: string) => string;

/**
 * The most rows a series may have: 1,000,000 business days is 3,800 years of daily bars; the generator and its oracle
 * hold a few arrays of that length (about 300 MiB at this size; see the synth rows of the hostile table).
 */
export const MAX_BARS = 1_000_000;

/**
 * Every problem with a generator's parameters, one message each naming the parameter, the value and what is
 * allowed (empty when all is well). Parameters left out take their defaults, which are always valid.
 */
export function syntheticProblems(params: SyntheticParams, options: GenerateOptions, label: ParamLabel = (k) => k): string[] {
  const problems: string[] = [];
  const check = (key: string, value: unknown, ok: boolean, allowed: string) => {
    if (value !== undefined && !ok) problems.push(`${label(key)}: got ${Number.isNaN(value) ? 'something that is not a number' : String(value)}; expected ${allowed}`);
  };
  const finite = (x: number | undefined) => x !== undefined && Number.isFinite(x);
  const positive = (key: string, x: number | undefined) => check(key, x, finite(x) && x! > 0, 'a number > 0');
  if (!(syntheticKinds as readonly string[]).includes(params.kind)) {
    problems.push(`${label('kind')}: got ${String(params.kind)}; expected one of ${syntheticKinds.join(', ')}`);
    return problems;
  }
  check('bars', options.bars, Number.isInteger(options.bars) && options.bars >= 10 && options.bars <= MAX_BARS, `a whole number from 10 to ${MAX_BARS} (about 3,800 years of business days; a longer series is not supported)`);
  check('seed', options.seed, Number.isInteger(options.seed) && Math.abs(options.seed) < 2 ** 31, 'a whole number with |seed| < 2^31');
  positive('startPrice', options.startPrice);
  check('startDate', options.startDate, typeof options.startDate === 'string' && parseIsoDate(options.startDate) !== null, 'a calendar date yyyy-mm-dd');
  positive('periodsPerYear', options.periodsPerYear);
  const startDate = options.startDate ?? DEFAULT_START_DATE;
  const days = businessDaysLeft(startDate);
  if (Number.isInteger(options.bars) && options.bars <= MAX_BARS && options.bars > days && days > 0)
    problems.push(`${label('bars')}: got ${options.bars}; from ${startDate} only ${days} business days fit before 9999-12-31, the last yyyy-mm-dd date`);
  if (params.kind === 'ar1') {
    check('phi', params.phi, finite(params.phi) && Math.abs(params.phi!) < 1, 'a number with |phi| < 1 (a stationary AR(1))');
    positive('sigma', params.sigma);
    check('drift', params.drift, finite(params.drift), 'a finite number (mean log return per bar)');
  } else if (params.kind === 'regime') {
    check('phi', params.phi, finite(params.phi) && params.phi! >= 0 && params.phi! < 1, 'a number with 0 <= phi < 1 (trend state +phi, reversal state -phi)');
    check('switchProb', params.switchProb, finite(params.switchProb) && params.switchProb! >= 0 && params.switchProb! <= 1, 'a probability from 0 to 1');
    positive('sigma', params.sigma);
  } else {
    positive('theta', params.theta);
    positive('sigma', params.sigma);
    positive('meanPrice', params.meanPrice);
  }
  if (problems.length) return problems;
  const startPrice = options.startPrice ?? DEFAULT_START_PRICE;
  const periodsPerYear = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  const reach = reachProblem(resolveSyntheticParams(params, { startPrice, periodsPerYear }), options.bars, startPrice, periodsPerYear, label);
  return reach ? [reach] : [];
}

/** The parameters with every default filled in (sigma defaults depend on phi and periodsPerYear). */
export function resolveSyntheticParams(params: SyntheticParams, options: Pick<GenerateOptions, 'startPrice' | 'periodsPerYear'> = {}): ResolvedParams {
  const ppy = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  if (params.kind === 'ar1') return resolveAr1(params, ppy);
  if (params.kind === 'regime') return resolveRegime(params, ppy);
  return resolveOu(params, options.startPrice ?? DEFAULT_START_PRICE);
}

/**
 * Draws a synthetic market from `Rng.fromSeed(options.seed)`: the same parameters and seed give the same series,
 * bit for bit. Throws ConfigError listing every bad parameter.
 */
export function generateSynthetic(params: SyntheticParams, options: GenerateOptions): SyntheticSeries {
  const problems = syntheticProblems(params, options);
  if (problems.length) throw new ConfigError(problems);
  const startPrice = options.startPrice ?? DEFAULT_START_PRICE;
  const periodsPerYear = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  const resolved = resolveSyntheticParams(params, { startPrice, periodsPerYear });
  const rng = Rng.fromSeed(options.seed);
  const { bars } = options;
  let price: Float64Array;
  let regime: Int8Array | null = null;
  let logReturns: Float64Array | null = null;
  if (resolved.kind === 'ou') price = generateOuPrices(rng, resolved, bars, startPrice, periodsPerYear);
  else {
    if (resolved.kind === 'ar1') logReturns = generateAr1Returns(rng, resolved, bars);
    else ({ returns: logReturns, regime } = generateRegimeReturns(rng, resolved, bars));
    price = pricesFromLogReturns(logReturns, startPrice);
  }
  const outside = outOfRangePrice(price);
  if (outside) {
    throw new ConfigError([
      `seed ${options.seed}: this draw took the price to ${outside.value} at row ${outside.row}, outside 1e-300..1e300 (a rare draw beyond ${NOISE_SDS} standard deviations); use another seed or a smaller sigma`,
    ]);
  }
  const dates = businessDays(options.startDate ?? DEFAULT_START_DATE, bars);
  return { params: resolved, bars, seed: options.seed, startPrice, periodsPerYear, price, dates, regime, logReturns };
}
