// Which process each symbol of a panel is, and what a panel may be.
import { deriveSeed } from '../../random/rng.js';
import { factorReachProblem } from './factor.js';
import { resolveSyntheticParams, syntheticProblems, type ParamLabel } from './generate.js';
import { DEFAULT_PERIODS_PER_YEAR, DEFAULT_START_PRICE, type GenerateOptions, type SyntheticParams } from './types.js';

/** The most symbols of a panel. */
export const MAX_SYMBOLS = 500;
/**
 * The most rows (bars x symbols) of a panel: 500 instruments of 5,000 bars, the size of the data benchmark. Every
 * symbol's columns stay in memory until the rows are written date by date (about 50 bytes a row).
 */
export const MAX_PANEL_ROWS = 2_500_000;

/**
 * How the kind's signal parameter (phi of ar1 and regime, theta of ou) changes from symbol to symbol: symbol k gets the
 * given value (or its default) times SIGNAL_SCALES[(k - 1) mod 5], so S01, S06, ... have it as given and S05, S10, ...
 * half of it. The cycle does not depend on the number of symbols: the first k symbols of a panel are the same
 * processes whatever --symbols is.
 */
export const SIGNAL_SCALES = [1, 0.875, 0.75, 0.625, 0.5] as const;
export const PARAM_RULE = 'symbol k: phi (ar1, regime) or theta (ou) = the given value x [1, 0.875, 0.75, 0.625, 0.5][(k - 1) mod 5]; the other parameters as given';
export const SAME_PARAMS_RULE = 'every symbol: the parameters as given';
export const SEED_RULE = "symbol k: deriveSeed(seed, 'synth-symbol', k) draws the close; deriveSeed(that seed, 'ohlcv') draws open, high, low, volume";
export const FACTOR_SEED_RULE =
  "symbol k: deriveSeed(seed, 'synth-symbol', k) draws its own process, to which the close adds the factor (factor.rule); deriveSeed(that seed, 'ohlcv') draws open, high, low, volume";

export interface PanelOptions extends GenerateOptions {
  /** Number of symbols, 1..MAX_SYMBOLS. */
  symbols: number;
  /** Sd per bar of the common factor's log return added to every symbol's (factor.ts); 0 (the default) for none. ar1 and regime only. */
  factorSigma?: number;
  /** Every symbol gets the parameters as given, instead of the SIGNAL_SCALES cycle. */
  sameParams?: boolean;
}

/** S01 .. S0N, zero-padded to the width of N and at least two digits, so names sort as their numbers do. */
export function panelSymbolNames(count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `S${String(i + 1).padStart(width, '0')}`);
}

/** The seed of symbol `index` (1-based): the seed the one-series generator is given for its close. */
export function panelSymbolSeed(seed: number, index: number): number {
  return deriveSeed(seed, 'synth-symbol', index);
}

/** The parameters of symbol `index` (1-based), see SIGNAL_SCALES; defaults not given stay for the generator to fill. */
export function panelSymbolParams(params: SyntheticParams, index: number, options: Pick<GenerateOptions, 'startPrice' | 'periodsPerYear'> = {}): SyntheticParams {
  const scale = SIGNAL_SCALES[(index - 1) % SIGNAL_SCALES.length];
  const resolved = resolveSyntheticParams(params, options);
  if (params.kind === 'ou' && resolved.kind === 'ou') return { ...params, theta: resolved.theta * scale };
  if (params.kind !== 'ou' && resolved.kind !== 'ou') return { ...params, phi: resolved.phi * scale };
  throw new RangeError(`kind ${params.kind} resolved to ${resolved.kind}`);
}

/**
 * Every problem with a panel's parameters: the one-series problems, the number of symbols and rows, then the problems
 * of the scaled parameters of the symbols (an ou theta halved lets the log price wander further).
 */
export function syntheticPanelProblems(params: SyntheticParams, options: PanelOptions, label: ParamLabel = (k) => k): string[] {
  const problems = syntheticProblems(params, options, label);
  const { symbols, bars, factorSigma = 0 } = options;
  if (!(Number.isFinite(factorSigma) && factorSigma >= 0))
    problems.push(`${label('factorSigma')}: got ${Number.isNaN(factorSigma) ? 'something that is not a number' : String(factorSigma)}; expected a number >= 0 (sd of the common factor's log return per bar; 0 for none)`);
  else if (factorSigma > 0 && params.kind === 'ou')
    problems.push(
      `${label('factorSigma')} ${factorSigma} with ${label('kind')} ou: a common factor applies to ${label('kind')} ar1 or regime; ou is a level process reverting to its mean price, which a factor's random walk added to the log price would undo`,
    );
  if (!(Number.isInteger(symbols) && symbols >= 1 && symbols <= MAX_SYMBOLS))
    problems.push(`${label('symbols')}: got ${String(symbols)}; expected a whole number from 1 to ${MAX_SYMBOLS}`);
  else if (Number.isInteger(bars) && bars * symbols > MAX_PANEL_ROWS)
    problems.push(
      `${label('symbols')} ${symbols} with ${label('bars')} ${bars}: ${bars * symbols} rows; a panel holds at most ${MAX_PANEL_ROWS} (${label('bars')} <= ${Math.floor(MAX_PANEL_ROWS / symbols)} for ${symbols} symbols)`,
    );
  if (problems.length) return problems;
  const names = panelSymbolNames(symbols);
  const distinct = options.sameParams ? 1 : Math.min(symbols, SIGNAL_SCALES.length);
  const startPrice = options.startPrice ?? DEFAULT_START_PRICE;
  const periodsPerYear = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  for (let index = 1; index <= distinct; index++) {
    const own = options.sameParams ? params : panelSymbolParams(params, index, options);
    const found = index === 1 ? [] : syntheticProblems(own, options, label);
    if (found.length) return found.map((p) => `${label('symbols')} ${symbols}: ${names[index - 1]} has its signal parameter x ${SIGNAL_SCALES[index - 1]}: ${p}`);
    const resolved = resolveSyntheticParams(own, { startPrice, periodsPerYear });
    const reach = factorSigma > 0 ? factorReachProblem(resolved, factorSigma, { bars, startPrice, periodsPerYear }, label) : null;
    if (reach) return [index === 1 ? reach : `${names[index - 1]}: ${reach}`];
  }
  return [];
}
