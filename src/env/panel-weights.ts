import { ConfigError } from '../errors/index.js';
import type { PanelMarketView } from './panel-market.js';

/**
 * How the portfolio weighs its instruments' bar returns. equal: 1/N of the window's universe each. inverseVol: in
 * proportion to 1 / the standard deviation of the instrument's log returns over the window's training rows, so each
 * instrument brings about the same risk; fixed for the window, as the training rows are.
 */
export const portfolioWeightings = ['equal', 'inverseVol'] as const;
export type PortfolioWeighting = (typeof portfolioWeightings)[number];

/** The weight of each instrument of the universe, in the universe's order; they sum to 1. */
export function portfolioWeights(market: PanelMarketView, weighting: PortfolioWeighting): Float64Array {
  const n = market.universe.length;
  const weights = new Float64Array(n);
  if (weighting === 'equal') return weights.fill(1 / n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    weights[k] = 1 / trainingVolatility(market, market.universe[k]);
    total += weights[k];
  }
  for (let k = 0; k < n; k++) weights[k] /= total;
  return weights;
}

/**
 * The sample standard deviation of one instrument's finite log returns over the window's training rows (a series'
 * first return is undefined), as agent.rewardScaling measures a one-instrument run's training volatility. Throws when
 * the window holds too little of that history to weigh the instrument by it.
 */
export function trainingVolatility(market: PanelMarketView, instrument: number): number {
  const { logReturns, instruments, symbols, trainRows } = market;
  return volatilityOver((t) => logReturns[t * instruments + instrument], trainRows, symbols[instrument]);
}

/** trainingVolatility of one instrument's log returns by row (`logReturnAt`), over training rows [start, end). */
export function volatilityOver(logReturnAt: (row: number) => number, [start, end]: readonly [number, number], symbol: string): number {
  const values: number[] = [];
  for (let t = start; t < end; t++) {
    const r = logReturnAt(t);
    if (Number.isFinite(r)) values.push(r);
  }
  const rows = `the window's training rows [${start}, ${end})`;
  if (values.length < 2) {
    throw new ConfigError([
      `portfolio.weighting: inverseVol needs the volatility of ${symbol} over ${rows}, which hold ${values.length} of its returns and it needs at least 2; use portfolio.weighting=equal or a longer windows.train`,
    ]);
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
  if (!(std > 0)) {
    throw new ConfigError([
      `portfolio.weighting: inverseVol cannot weigh ${symbol}: its ${values.length} returns over ${rows} do not vary (volatility 0); use portfolio.weighting=equal`,
    ]);
  }
  return std;
}
