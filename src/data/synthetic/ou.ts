import type { Rng } from '../../random/rng.js';
import { DEFAULT_ANNUAL_VOL, type OuParams, type ResolvedOu } from './types.js';

export function resolveOu(params: OuParams, startPrice: number): ResolvedOu {
  return { kind: 'ou', theta: params.theta ?? 10, sigma: params.sigma ?? DEFAULT_ANNUAL_VOL, meanPrice: params.meanPrice ?? startPrice };
}

/**
 * Exact discretisation of dX = theta (mu - X) dt + sigma dW over a step dt (Gillespie, "Exact numerical simulation of the
 * Ornstein-Uhlenbeck process and its integral", Phys. Rev. E 54, 2084, 1996): X_{t+1} = mu + (X_t - mu) e^{-theta dt} + sigma sqrt((1 - e^{-2 theta dt}) / (2 theta)) e_t.
 * X_0 = ln(startPrice); prices are exp(X_t).
 */
export function generateOuPrices(rng: Rng, p: ResolvedOu, bars: number, startPrice: number, periodsPerYear: number): Float64Array {
  const dt = 1 / periodsPerYear;
  const mu = Math.log(p.meanPrice);
  const decay = Math.exp(-p.theta * dt);
  const sd = p.sigma * Math.sqrt((1 - Math.exp(-2 * p.theta * dt)) / (2 * p.theta));
  const price = new Float64Array(bars);
  let x = Math.log(startPrice);
  price[0] = startPrice;
  for (let t = 1; t < bars; t++) {
    x = mu + (x - mu) * decay + sd * rng.normal();
    price[t] = Math.exp(x);
  }
  return price;
}

/** E[X_{t+1} - X_t | X_t] = (mu - X_t)(1 - e^{-theta dt}), the expected next-bar log return. */
export function ouForecast(price: ArrayLike<number>, p: Pick<ResolvedOu, 'theta' | 'meanPrice'>, periodsPerYear: number): Float64Array {
  const out = new Float64Array(price.length);
  const mu = Math.log(p.meanPrice);
  const pull = 1 - Math.exp(-p.theta / periodsPerYear);
  for (let t = 0; t < price.length; t++) out[t] = (mu - Math.log(price[t])) * pull;
  return out;
}
