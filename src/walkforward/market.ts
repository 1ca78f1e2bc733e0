import { fitStandardization, standardize, type FeatureSet, type Standardization } from '../data/features.js';
import type { MarketView } from '../env/trading-env.js';
import type { Window } from '../windows/build-windows.js';

/** The market a window trades: features standardized with its training rows' statistics only. */
export function windowMarket(features: FeatureSet, window: Window): { market: MarketView; standardization: Standardization } {
  const standardization = fitStandardization(features, window.train.start, window.train.end);
  return {
    standardization,
    market: {
      features: standardize(features, standardization),
      featureDim: features.dim,
      firstValidRow: features.firstValidRow,
      logReturns: features.logReturns,
      simpleReturns: features.simpleReturns,
    },
  };
}
