/**
 * What an environment's observations hold and what its actions mean, declared once by the environment (in the
 * spirit of gymnasium's Box and Discrete) and read by everything else: the agent, evaluation, model files.
 */

/** A vector of named real values; bounds where the environment knows them (null: unbounded). */
export interface BoxSpace {
  readonly kind: 'box';
  readonly shape: readonly [number];
  /** One name per element, in order. */
  readonly names: readonly string[];
  readonly low: readonly (number | null)[];
  readonly high: readonly (number | null)[];
}

/** n actions; action i sets the position positions[i] (a fraction of capital, short negative). */
export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
  readonly positions: readonly number[];
}

export interface EnvSpaces {
  readonly observation: BoxSpace;
  readonly action: DiscreteSpace;
}

/** The name of the observation element that holds the position currently held. */
export const POSITION_FEATURE = 'position';

/** The positions an action maps to: short, flat and long, or flat and long when shorting is not allowed. */
export function tradingPositions(settings: { allowShort: boolean }): readonly number[] {
  return settings.allowShort ? [-1, 0, 1] : [0, 1];
}

/** The positions in words, as the console shows them: short/flat/long. */
export function positionsLabel(positions: readonly number[]): string {
  return positions.map((p) => (p < 0 ? 'short' : p > 0 ? 'long' : 'flat')).join('/');
}

/**
 * The spaces of trading one instrument: the window's standardized features followed by the position held, and
 * short/flat/long (or flat/long) as actions.
 */
export function tradingSpaces(featureNames: readonly string[], settings: { allowShort: boolean }): EnvSpaces {
  const positions = tradingPositions(settings);
  const names = [...featureNames, POSITION_FEATURE];
  return {
    observation: {
      kind: 'box',
      shape: [names.length],
      names,
      low: [...featureNames.map(() => null), Math.min(...positions)],
      high: [...featureNames.map(() => null), Math.max(...positions)],
    },
    action: { kind: 'discrete', n: positions.length, positions },
  };
}

/** The observation's length. */
export function observationSize(spaces: EnvSpaces): number {
  return spaces.observation.shape[0];
}
