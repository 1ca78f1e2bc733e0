import { deriveSeed, Rng } from '../../random/rng.js';
import { ar1ReturnForecast, pricesFromLogReturns } from './ar1.js';
import { logPriceReach, MAX_ABS_LOG_PRICE, NOISE_SDS } from './bounds.js';
import { regimeReturnForecast } from './regime.js';
import type { ResolvedParams, SyntheticSeries } from './types.js';

/** What the common factor of a panel is, as the sidecar records it. */
export const FACTOR_RULE =
  "every symbol's log return is f_t + its own process's e_t (beta 1 for all); f_t ~ N(0, sigma^2) i.i.d., no signal, drawn from Rng(deriveSeed(seed, 'synth-factor')) for rows 1.. (row 0 has no return); the close compounds the sum";

/** The seed of a panel's factor stream, apart from every symbol's. */
export function factorSeed(seed: number): number {
  return deriveSeed(seed, 'synth-factor');
}

/** The factor's log return of each row: 0 at row 0, then sigma x a standard normal per row, in row order. */
export function drawFactor(seed: number, sigma: number, bars: number): Float64Array {
  const rng = Rng.fromSeed(factorSeed(seed));
  const factor = new Float64Array(bars);
  for (let t = 1; t < bars; t++) factor[t] = sigma * rng.normal();
  return factor;
}

/** The close of a symbol with the factor: startPrice x exp(sum of e_s + f_s for s = 1..t). */
export function closeWithFactor(own: Float64Array, factor: Float64Array, startPrice: number): Float64Array {
  return pricesFromLogReturns(
    own.map((e, t) => e + factor[t]),
    startPrice,
  );
}

/**
 * E[r_{t+1} | F_t] of a symbol with the factor. f_{t+1} has mean 0 and is independent of everything before, so this
 * is the own process's expectation, computed from the drawn e_t (the close holds f_t too, which forecasts nothing).
 */
export function ownForecast(series: Pick<SyntheticSeries, 'params' | 'logReturns' | 'regime'>): Float64Array {
  const { params, logReturns, regime } = series;
  if (!logReturns) throw new RangeError(`kind ${params.kind} has no drawn log returns to forecast from`);
  if (params.kind === 'ar1') return ar1ReturnForecast(logReturns, params);
  if (params.kind === 'regime' && regime) return regimeReturnForecast(logReturns, regime, params);
  throw new RangeError(`kind ${params.kind}: no forecast from log returns`);
}

/**
 * A problem message when the factor's random walk added to the process could take the log price past +-ln(1e300)
 * (the bound of bounds.ts plus NOISE_SDS standard deviations of the factor's sum), naming the largest sigma that fits.
 */
export function factorReachProblem(
  p: ResolvedParams,
  sigma: number,
  options: { bars: number; startPrice: number; periodsPerYear: number },
  label: (key: string) => string,
): string | null {
  const { bars, startPrice, periodsPerYear } = options;
  const reach = logPriceReach(p, bars, startPrice, periodsPerYear).total;
  const factorReach = NOISE_SDS * sigma * Math.sqrt(bars);
  if (reach + factorReach <= MAX_ABS_LOG_PRICE) return null;
  const fits = (MAX_ABS_LOG_PRICE - reach) / (NOISE_SDS * Math.sqrt(bars));
  const limit = (x: number) => Number(x.toPrecision(3));
  return (
    `${label('factorSigma')} ${sigma} with ${label('bars')} ${bars}: the log price could reach +-${limit(reach + factorReach)} ` +
    `(the process ${limit(reach)} + ${NOISE_SDS} sd of the factor's sum ${limit(factorReach)}), beyond +-${limit(MAX_ABS_LOG_PRICE)}; ` +
    (fits > 0 ? `allowed: ${label('factorSigma')} <= ${limit(fits)}` : `lower ${label('bars')} or the process's sigma`)
  );
}
