import { fitStandardization, standardize, type FeatureSet, type Standardization } from '../data/features.js';
import type { MarketView } from './trading-env.js';
import type { Window } from '../windows/build-windows.js';

/** A window with the market it trades and the standardization that market was built with. */
export interface WindowData {
  window: Window;
  market: MarketView;
  standardization: Standardization;
}

/** The market a window trades: features standardized with its training rows' statistics only. */
export function windowMarket(features: FeatureSet, window: Window): WindowData {
  const standardization = fitStandardization(features, window.train.start, window.train.end);
  return {
    window,
    standardization,
    market: marketView(features, standardization),
  };
}

/** Features standardized with given statistics, as an environment consumes them. */
export function marketView(features: FeatureSet, standardization: Standardization): MarketView {
  return {
    features: standardize(features, standardization),
    featureDim: features.dim,
    featureNames: features.names,
    firstValidRow: features.firstValidRow,
    logReturns: features.logReturns,
    simpleReturns: features.simpleReturns,
  };
}
