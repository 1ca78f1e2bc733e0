import { ConfigError } from '../../errors/index.js';
import { deriveSeed, Rng } from '../../random/rng.js';
import { businessDays } from './calendar.js';
import { outOfRangePrice } from './bounds.js';
import { generateSynthetic, resolveSyntheticParams, syntheticProblems, type ParamLabel } from './generate.js';
import { deriveOhlcv, type OhlcvBars } from './ohlcv.js';
import { DEFAULT_PERIODS_PER_YEAR, DEFAULT_START_DATE, DEFAULT_START_PRICE, type GenerateOptions, type SyntheticParams, type SyntheticSeries } from './types.js';

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
export const SEED_RULE = "symbol k: deriveSeed(seed, 'synth-symbol', k) draws the close; deriveSeed(that seed, 'ohlcv') draws open, high, low, volume";

export interface PanelOptions extends GenerateOptions {
  /** Number of symbols, 1..MAX_SYMBOLS. */
  symbols: number;
}

/** One instrument of a panel: a one-series market (its close) and the bars derived around it. */
export interface PanelSymbol {
  symbol: string;
  /** 1-based position in the panel. */
  index: number;
  seed: number;
  ohlcvSeed: number;
  series: SyntheticSeries;
  bars: OhlcvBars;
}

export interface SyntheticPanel {
  dates: string[];
  symbols: PanelSymbol[];
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
  const { symbols, bars } = options;
  if (!(Number.isInteger(symbols) && symbols >= 1 && symbols <= MAX_SYMBOLS))
    problems.push(`${label('symbols')}: got ${String(symbols)}; expected a whole number from 1 to ${MAX_SYMBOLS}`);
  else if (Number.isInteger(bars) && bars * symbols > MAX_PANEL_ROWS)
    problems.push(
      `${label('symbols')} ${symbols} with ${label('bars')} ${bars}: ${bars * symbols} rows; a panel holds at most ${MAX_PANEL_ROWS} (${label('bars')} <= ${Math.floor(MAX_PANEL_ROWS / symbols)} for ${symbols} symbols)`,
    );
  if (problems.length) return problems;
  const names = panelSymbolNames(symbols);
  for (let index = 2; index <= Math.min(symbols, SIGNAL_SCALES.length); index++) {
    const scaled = panelSymbolParams(params, index, options);
    const found = syntheticProblems(scaled, options, label);
    if (found.length) return found.map((p) => `${label('symbols')} ${symbols}: ${names[index - 1]} has its signal parameter x ${SIGNAL_SCALES[index - 1]}: ${p}`);
  }
  return [];
}

/**
 * Draws a panel: symbol k's close is exactly generateSynthetic(panelSymbolParams(params, k), seed panelSymbolSeed(seed, k)),
 * and its open, high, low and volume come from a generator of their own (deriveOhlcv), so they never change a close.
 * Every symbol shares the calendar. Throws ConfigError listing every bad parameter.
 */
export function generateSyntheticPanel(params: SyntheticParams, options: PanelOptions): SyntheticPanel {
  const problems = syntheticPanelProblems(params, options);
  if (problems.length) throw new ConfigError(problems);
  const { symbols: count, ...generate } = options;
  const startPrice = generate.startPrice ?? DEFAULT_START_PRICE;
  const periodsPerYear = generate.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  const dates = businessDays(generate.startDate ?? DEFAULT_START_DATE, generate.bars);
  const symbols = panelSymbolNames(count).map((symbol, i): PanelSymbol => {
    const index = i + 1;
    const seed = panelSymbolSeed(options.seed, index);
    // The series' own dates are the shared calendar: one array for all symbols.
    const series = { ...generateSynthetic(panelSymbolParams(params, index, { startPrice, periodsPerYear }), { ...generate, seed }), dates };
    const ohlcvSeed = deriveSeed(seed, 'ohlcv');
    const bars = deriveOhlcv(series.price, series.params, series.periodsPerYear, Rng.fromSeed(ohlcvSeed));
    for (const [column, values] of [
      ['high', bars.high],
      ['low', bars.low],
    ] as const) {
      const outside = outOfRangePrice(values);
      if (outside)
        throw new ConfigError([`seed ${options.seed}: ${symbol}'s ${column} reached ${outside.value} at row ${outside.row}, outside 1e-300..1e300; use another seed or a smaller sigma`]);
    }
    return { symbol, index, seed, ohlcvSeed, series, bars };
  });
  return { dates, symbols };
}

/**
 * The panel as long-format CSV text the loader reads, in pieces of about `rows` lines: date,symbol,open,high,low,close,
 * volume (plus the hidden regime, +1 or -1, for the regime kind), sorted by date then symbol. Numbers are written in
 * JavaScript's shortest round-trip form, so the file reads back to the same doubles.
 */
export function* syntheticPanelCsvChunks(panel: SyntheticPanel, rows = 65_536): Generator<string> {
  const withRegime = panel.symbols[0].series.regime !== null;
  yield `date,symbol,open,high,low,close,volume${withRegime ? ',regime' : ''}\n`;
  const perChunk = Math.max(1, Math.floor(rows / panel.symbols.length));
  for (let from = 0; from < panel.dates.length; from += perChunk) {
    const lines: string[] = [];
    for (let t = from; t < Math.min(from + perChunk, panel.dates.length); t++) {
      for (const { symbol, series, bars } of panel.symbols) {
        const line = `${panel.dates[t]},${symbol},${bars.open[t]},${bars.high[t]},${bars.low[t]},${series.price[t]},${bars.volume[t]}`;
        lines.push(withRegime ? `${line},${series.regime![t]}` : line);
      }
    }
    yield lines.join('\n') + '\n';
  }
}
