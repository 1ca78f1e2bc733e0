import { computeFeatures, fitStandardization, standardize } from '../../src/data/features.js';
import type { MarketView } from '../../src/env/trading-env.js';

/** Features of a price series standardized on rows [0, trainEnd), as the pipeline builds them for one window. */
export function marketFor(prices: Float64Array, lookback: number, trainEnd: number): MarketView {
  const fs = computeFeatures(prices, { lookback }, { extra: [], volatilityWindow: 20, rsiWindow: 14, smaWindow: 20 });
  return {
    features: standardize(fs, fitStandardization(fs, 0, trainEnd)),
    featureDim: fs.dim,
    featureNames: fs.names,
    firstValidRow: fs.firstValidRow,
    logReturns: fs.logReturns,
    simpleReturns: fs.simpleReturns,
  };
}
