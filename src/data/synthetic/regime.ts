import type { Rng } from '../../random/rng.js';
import { logReturnsOf, stationarySigma } from './ar1.js';
import type { RegimeParams, ResolvedRegime } from './types.js';

export function resolveRegime(params: RegimeParams, periodsPerYear: number): ResolvedRegime {
  const phi = params.phi ?? 0.3;
  return { kind: 'regime', phi, switchProb: params.switchProb ?? 0.01, sigma: params.sigma ?? stationarySigma(phi, periodsPerYear) };
}

/**
 * Markov-switching AR(1) (after Hamilton, Econometrica 57(2), 1989, here the coefficient switches, not the mean): state s_t in
 * {+1 trend, -1 reversal}, P(s_t != s_{t-1}) = switchProb, r_t = s_t phi r_{t-1} + sigma e_t. Both states have
 * phi^2 as squared coefficient, so Var(r) = sigma^2 / (1 - phi^2) whatever the path of states: r_0 is drawn from it,
 * s_0 from the chain's stationary law (1/2, 1/2).
 */
export function generateRegimeReturns(rng: Rng, p: ResolvedRegime, bars: number): { returns: Float64Array; regime: Int8Array } {
  const returns = new Float64Array(bars);
  const regime = new Int8Array(bars);
  regime[0] = rng.next() < 0.5 ? 1 : -1;
  returns[0] = (p.sigma / Math.sqrt(1 - p.phi * p.phi)) * rng.normal();
  for (let t = 1; t < bars; t++) {
    regime[t] = rng.next() < p.switchProb ? -regime[t - 1] : regime[t - 1];
    returns[t] = regime[t] * p.phi * returns[t - 1] + p.sigma * rng.normal();
  }
  return { returns, regime };
}

/**
 * E[r_{t+1} | r_t, s_t] = E[s_{t+1}] phi r_t = (1 - 2 switchProb) s_t phi r_t: the state may flip before the next bar.
 */
export function regimeForecast(price: ArrayLike<number>, regime: ArrayLike<number>, p: Pick<ResolvedRegime, 'phi' | 'switchProb'>): Float64Array {
  return regimeReturnForecast(logReturnsOf(price), regime, p);
}

/** The same from the log returns r_t themselves. */
export function regimeReturnForecast(returns: ArrayLike<number>, regime: ArrayLike<number>, p: Pick<ResolvedRegime, 'phi' | 'switchProb'>): Float64Array {
  const out = new Float64Array(returns.length).fill(NaN);
  const persistence = 1 - 2 * p.switchProb;
  for (let t = 1; t < returns.length; t++) out[t] = persistence * regime[t] * p.phi * returns[t];
  return out;
}
