import { POSITION_FEATURE, tradingSpaces, type EnvSpaces } from './spaces.js';

/** The name of the observation element that holds the portfolio's net exposure (the weighted sum of its positions). */
export const EXPOSURE_FEATURE = 'exposure';
/** The prefix of a market feature: the mean over the window's universe of one feature at the date. */
export const MARKET_PREFIX = 'market_';

/**
 * How a panel shows each instrument its features at a date: as they are, less the universe's mean (the common part
 * every instrument carries, e.g. a market factor, leaves them), or that divided by their spread across the universe
 * (Qlib's cross-sectional z-score). Market features, when on, still hold the universe's means, so demean loses nothing.
 */
export const crossSections = ['none', 'demean', 'zscore'] as const;
export type CrossSection = (typeof crossSections)[number];

export interface PanelSpaceSettings {
  allowShort: boolean;
  /** Whether each instrument's observation holds the portfolio's net exposure. */
  portfolioFeatures: boolean;
  /** Whether each instrument's observation holds the universe's mean of every feature at the date. */
  marketFeatures?: boolean;
}

/**
 * The spaces of one instrument of a panel, as the shared policy sees each: its standardized features, then (with
 * market features) the mean of each over the universe at the date, then (with portfolio features) the portfolio's
 * net exposure, bounded by the positions as a weighted mean of positions is, and last its own position, as every
 * observation ends. Without either these are exactly the spaces of trading one instrument.
 */
export function panelSpaces(featureNames: readonly string[], settings: PanelSpaceSettings): EnvSpaces {
  const single = tradingSpaces(featureNames, settings);
  if (!settings.portfolioFeatures && !settings.marketFeatures) return single;
  const { positions } = single.action;
  const low = Math.min(...positions);
  const high = Math.max(...positions);
  const market = settings.marketFeatures ? featureNames.map((name) => `${MARKET_PREFIX}${name}`) : [];
  const exposure = settings.portfolioFeatures ? [EXPOSURE_FEATURE] : [];
  const names = [...featureNames, ...market, ...exposure, POSITION_FEATURE];
  const unbounded = [...featureNames, ...market].map(() => null);
  return {
    observation: {
      kind: 'box',
      shape: [names.length],
      names,
      low: [...unbounded, ...exposure.map(() => low), low],
      high: [...unbounded, ...exposure.map(() => high), high],
    },
    action: single.action,
  };
}
