import { tradingSpaces, type EnvSpaces } from './spaces.js';

/** The name of the observation element that holds the portfolio's net exposure (the mean of its positions). */
export const EXPOSURE_FEATURE = 'exposure';

export interface PanelSpaceSettings {
  allowShort: boolean;
  /** Whether each instrument's observation ends with the portfolio's net exposure. */
  portfolioFeatures: boolean;
}

/**
 * The spaces of one instrument of a panel, as the shared policy sees each: its standardized features, its own
 * position, then (with portfolio features) the portfolio's net exposure, bounded by the positions as the mean of
 * positions is. Without portfolio features these are exactly the spaces of trading one instrument.
 */
export function panelSpaces(featureNames: readonly string[], settings: PanelSpaceSettings): EnvSpaces {
  const single = tradingSpaces(featureNames, settings);
  if (!settings.portfolioFeatures) return single;
  const { positions } = single.action;
  const names = [...single.observation.names, EXPOSURE_FEATURE];
  return {
    observation: {
      kind: 'box',
      shape: [names.length],
      names,
      low: [...single.observation.low, Math.min(...positions)],
      high: [...single.observation.high, Math.max(...positions)],
    },
    action: single.action,
  };
}
