import type { Rng } from '../../random/rng.js';
import { DEFAULT_ANNUAL_VOL, type Ar1Params, type ResolvedAr1 } from './types.js';

/** Innovation sd giving a stationary sd of annualVol / sqrt(periodsPerYear): Var(r) = sigma^2 / (1 - phi^2). */
export function stationarySigma(phi: number, periodsPerYear: number, annualVol = DEFAULT_ANNUAL_VOL): number {
  return (annualVol / Math.sqrt(periodsPerYear)) * Math.sqrt(1 - phi * phi);
}

export function resolveAr1(params: Ar1Params, periodsPerYear: number): ResolvedAr1 {
  const phi = params.phi ?? 0.2;
  return { kind: 'ar1', phi, sigma: params.sigma ?? stationarySigma(phi, periodsPerYear), drift: params.drift ?? 0 };
}

/** Prices p_t = p_0 exp(r_1 + ... + r_t); row 0's return is not observed. */
export function pricesFromLogReturns(returns: Float64Array, startPrice: number): Float64Array {
  const price = new Float64Array(returns.length);
  let logPrice = 0;
  price[0] = startPrice;
  for (let t = 1; t < returns.length; t++) {
    logPrice += returns[t];
    price[t] = startPrice * Math.exp(logPrice);
  }
  return price;
}

/**
 * AR(1) log returns with a stationary start: r_0 ~ N(drift, sigma^2 / (1 - phi^2)), then
 * r_t = drift + phi (r_{t-1} - drift) + sigma e_t (Hamilton, Time Series Analysis, 1994, section 3.4:
 * the stationary variance of an AR(1) is sigma^2 / (1 - phi^2)).
 */
export function generateAr1Returns(rng: Rng, p: ResolvedAr1, bars: number): Float64Array {
  const r = new Float64Array(bars);
  r[0] = p.drift + (p.sigma / Math.sqrt(1 - p.phi * p.phi)) * rng.normal();
  for (let t = 1; t < bars; t++) r[t] = p.drift + p.phi * (r[t - 1] - p.drift) + p.sigma * rng.normal();
  return r;
}

/** ln(p_t / p_{t-1}) of each row; NaN at row 0. */
export function logReturnsOf(price: ArrayLike<number>): Float64Array {
  const out = new Float64Array(price.length).fill(NaN);
  for (let t = 1; t < price.length; t++) out[t] = Math.log(price[t] / price[t - 1]);
  return out;
}

/** E[r_{t+1} | prices up to t] = drift + phi (r_t - drift); NaN at row 0, whose return is unknown. */
export function ar1Forecast(price: ArrayLike<number>, p: Pick<ResolvedAr1, 'phi' | 'drift'>): Float64Array {
  return ar1ReturnForecast(logReturnsOf(price), p);
}

/** The same from the log returns r_t themselves (NaN stays NaN). */
export function ar1ReturnForecast(returns: ArrayLike<number>, p: Pick<ResolvedAr1, 'phi' | 'drift'>): Float64Array {
  const out = new Float64Array(returns.length).fill(NaN);
  for (let t = 1; t < returns.length; t++) out[t] = p.drift + p.phi * (returns[t] - p.drift);
  return out;
}
