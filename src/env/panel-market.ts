import { ConfigError } from '../errors/index.js';
import { fitStandardization, standardize, type FeatureSet, type Standardization } from '../data/features.js';
import type { Window } from '../windows/build-windows.js';

/**
 * The market of a panel of instruments in one window, as the panel environment consumes it. Every instrument of the
 * panel has a column, in the order of `symbols`; only the window's universe (`active`) is traded, and the columns of
 * the others hold NaN so that nothing can read them by accident.
 */
export interface PanelMarketView {
  symbols: readonly string[];
  instruments: number;
  rows: number;
  featureDim: number;
  featureNames: readonly string[];
  /** rows x instruments x featureDim standardized features, row-major by row, then instrument. */
  features: Float32Array;
  /** rows x instruments, row-major: ln(p_t / p_{t-1}) of each instrument; NaN at row 0. */
  logReturns: Float64Array;
  /** rows x instruments, row-major: p_t / p_{t-1} - 1. */
  simpleReturns: Float64Array;
  /** 1 for an instrument of the window's universe, 0 for one left out of the window. */
  active: Uint8Array;
  /** Panel indices of the window's universe, ascending: the instruments the environment trades, in its order. */
  universe: readonly number[];
  /** First row whose features are defined for every instrument of the universe. */
  firstValidRow: number;
  /** The window's training rows [start, end): what standardization and training-window statistics are fitted on. */
  trainRows: readonly [number, number];
}

/** A window with its panel market and each instrument's standardization (null for one outside the universe). */
export interface PanelWindowData {
  window: Window;
  market: PanelMarketView;
  standardizations: (Standardization | null)[];
}

/**
 * The panel market a window trades. Each instrument of the universe is standardized with the statistics of its own
 * training rows, not with statistics pooled over the panel: instruments differ in scale (an index moves a fraction
 * of what a small stock does), and pooled statistics would leave the quiet instrument's features near zero and let
 * the loud one dominate what the shared policy sees. Per instrument, every observation is in units of its own
 * instrument's training history, exactly as a one-instrument run standardizes it, so a panel of one is that run.
 */
export function panelWindowMarket(
  featureSets: readonly FeatureSet[],
  window: Window,
  universe: readonly string[],
  symbols: readonly string[],
): PanelWindowData {
  return panelMarketWith(featureSets, window, universe, symbols, (fs) => fitStandardization(fs, window.train.start, window.train.end));
}

/** The panel market of a window with given standardizations (a saved model's, run on new data): panelWindowMarket's otherwise. */
export function panelMarketWith(
  featureSets: readonly FeatureSet[],
  window: Window,
  universe: readonly string[],
  symbols: readonly string[],
  standardizationOf: (features: FeatureSet, instrument: number) => Standardization,
): PanelWindowData {
  const instruments = featureSets.length;
  if (instruments === 0 || symbols.length !== instruments) {
    throw new RangeError(`a panel needs one feature set per symbol (${instruments} feature sets, ${symbols.length} symbols)`);
  }
  const { rows, dim, names } = featureSets[0];
  featureSets.forEach((fs, i) => {
    if (fs.rows !== rows || fs.dim !== dim || fs.names.join() !== names.join()) {
      throw new RangeError(
        `the features of ${symbols[i]} (${fs.rows} rows, ${fs.names.join(', ')}) differ from those of ${symbols[0]} (${rows} rows, ${names.join(', ')})`,
      );
    }
  });
  const active = activeInstruments(universe, symbols, window);
  const indices = [...active.keys()].filter((i) => active[i] === 1);
  const features = new Float32Array(rows * instruments * dim).fill(NaN);
  const logReturns = new Float64Array(rows * instruments).fill(NaN);
  const simpleReturns = new Float64Array(rows * instruments).fill(NaN);
  const standardizations: (Standardization | null)[] = featureSets.map(() => null);
  for (const i of indices) {
    const fs = featureSets[i];
    const standardization = standardizationOf(fs, i);
    standardizations[i] = standardization;
    const own = standardize(fs, standardization);
    for (let t = 0; t < rows; t++) {
      const to = (t * instruments + i) * dim;
      const from = t * dim;
      for (let c = 0; c < dim; c++) features[to + c] = own[from + c];
      logReturns[t * instruments + i] = fs.logReturns[t];
      simpleReturns[t * instruments + i] = fs.simpleReturns[t];
    }
  }
  return {
    window,
    standardizations,
    market: {
      symbols: [...symbols],
      instruments,
      rows,
      featureDim: dim,
      featureNames: names,
      features,
      logReturns,
      simpleReturns,
      active,
      universe: indices,
      firstValidRow: Math.max(...indices.map((i) => featureSets[i].firstValidRow)),
      trainRows: [window.train.start, window.train.end],
    },
  };
}

function activeInstruments(universe: readonly string[], symbols: readonly string[], window: Window): Uint8Array {
  if (universe.length === 0) {
    throw new ConfigError([
      `window ${window.iteration} (rows [${window.train.start}, ${window.test.end})) has no instrument with every bar, so there is nothing to trade; start the windows later or choose data.symbols that cover it`,
    ]);
  }
  const active = new Uint8Array(symbols.length);
  for (const symbol of universe) {
    const i = symbols.indexOf(symbol);
    if (i < 0)
      throw new RangeError(`the universe of window ${window.iteration} names ${symbol}, which the panel does not hold (${symbols.join(', ')})`);
    if (active[i]) throw new RangeError(`the universe of window ${window.iteration} names ${symbol} twice`);
    active[i] = 1;
  }
  return active;
}
