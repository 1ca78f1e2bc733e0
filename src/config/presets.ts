import type { ConfigInput } from './schema.js';

/** Named starting points, applied over the defaults and under every other source. */
export const presets: Record<string, ConfigInput> = {
  /** A few small iterations: the whole pipeline end to end in well under a minute. */
  quick: {
    windows: { train: 500, validation: 100, test: 100, maxIterations: 3 },
    training: { timesteps: 3000, evalFreq: 500 },
    agent: { learningStarts: 500, targetUpdateInterval: 500, bufferSize: 10_000, explorationFraction: 0.2 },
    saving: { nImageSaves: 10 },
  },
  /**
   * One agent over the six Swiss indices of data/swx-2000-2007.csv (issue 25): every instrument of each window, the
   * equal-weight portfolio. Its 1,917 common dates hold two default windows; shorter ones (500 + 125 + 125) give ten
   * and cover 1,250 of them out of sample.
   */
  panel: {
    data: { path: 'data/swx-2000-2007.csv', symbols: 'all', symbol: null },
    windows: { train: 500, validation: 125, test: 125 },
    portfolio: { weighting: 'equal' },
  },
};

export const presetNames = Object.keys(presets);
