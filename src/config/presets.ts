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
};

export const presetNames = Object.keys(presets);
