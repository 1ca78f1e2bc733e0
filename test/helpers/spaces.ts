import { tradingSpaces, type EnvSpaces } from '../../src/env/spaces.js';

/** The spaces of trading one instrument with obsDim - 1 features named f0, f1, ...; 3 actions short/flat/long, 2 flat/long. */
export function spacesFor(obsDim: number, nActions = 3): EnvSpaces {
  return tradingSpaces(
    Array.from({ length: obsDim - 1 }, (_, i) => `f${i}`),
    { allowShort: nActions === 3 },
  );
}
