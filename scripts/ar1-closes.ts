import { Rng } from '../src/random/rng.js';

/** Closes whose log returns are AR(1) with coefficient 0.1 and 1% noise, one seeded stream per instrument. */
export function ar1Closes(seed: number, bars: number): Float64Array {
  const rng = Rng.fromSeed(seed);
  const closes = new Float64Array(bars);
  closes[0] = 100;
  let r = 0;
  for (let t = 1; t < bars; t++) {
    r = 0.1 * r + 0.01 * rng.normal();
    closes[t] = closes[t - 1] * Math.exp(r);
  }
  return closes;
}
