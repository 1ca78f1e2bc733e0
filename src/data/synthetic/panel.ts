import { ConfigError } from '../../errors/index.js';
import { deriveSeed, Rng } from '../../random/rng.js';
import { businessDays } from './calendar.js';
import { outOfRangePrice } from './bounds.js';
import { generateSynthetic } from './generate.js';
import { closeWithFactor, drawFactor, factorSeed } from './factor.js';
import { barVolatility, deriveOhlcv, type OhlcvBars } from './ohlcv.js';
import { panelSymbolNames, panelSymbolParams, panelSymbolSeed, syntheticPanelProblems, type PanelOptions } from './panel-params.js';
import { DEFAULT_PERIODS_PER_YEAR, DEFAULT_START_DATE, DEFAULT_START_PRICE, type SyntheticParams, type SyntheticSeries } from './types.js';

/** One instrument of a panel: a one-series market (its close) and the bars derived around it. */
export interface PanelSymbol {
  symbol: string;
  /** 1-based position in the panel. */
  index: number;
  seed: number;
  ohlcvSeed: number;
  /** The symbol's own process: the one-series generator's draw for its seed and parameters. */
  series: SyntheticSeries;
  /** The close written: the series' price, or with a factor the price compounded from the factor plus its log returns. */
  close: Float64Array;
  bars: OhlcvBars;
}

/** The common factor: its sd per bar, its seed and its log return per row (null when sigma is 0). */
export interface PanelFactor {
  sigma: number;
  seed: number;
  returns: Float64Array | null;
}

export interface SyntheticPanel {
  dates: string[];
  symbols: PanelSymbol[];
  factor: PanelFactor;
  sameParams: boolean;
}

/**
 * Draws a panel: symbol k's own process is exactly generateSynthetic(panelSymbolParams(params, k), seed
 * panelSymbolSeed(seed, k)) (params as given with sameParams); without a factor that is its close, with one the close
 * compounds the factor plus the process's log returns (factor.ts). Open, high, low and volume come from a generator of
 * their own (deriveOhlcv), so they never change a close. Every symbol shares the calendar. Throws ConfigError listing
 * every bad parameter.
 */
export function generateSyntheticPanel(params: SyntheticParams, options: PanelOptions): SyntheticPanel {
  const problems = syntheticPanelProblems(params, options);
  if (problems.length) throw new ConfigError(problems);
  const { symbols: count, factorSigma = 0, sameParams = false, ...oneSeries } = options;
  const startPrice = oneSeries.startPrice ?? DEFAULT_START_PRICE;
  const periodsPerYear = oneSeries.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  const dates = businessDays(oneSeries.startDate ?? DEFAULT_START_DATE, oneSeries.bars);
  const factor = { sigma: factorSigma, seed: factorSeed(options.seed), returns: factorSigma > 0 ? drawFactor(options.seed, factorSigma, oneSeries.bars) : null };
  const symbols = panelSymbolNames(count).map((symbol, i): PanelSymbol => {
    const index = i + 1;
    const seed = panelSymbolSeed(options.seed, index);
    const own = sameParams ? params : panelSymbolParams(params, index, { startPrice, periodsPerYear });
    // The series' own dates are the shared calendar: one array for all symbols.
    const series = { ...generateSynthetic(own, { ...oneSeries, seed }), dates };
    // A factor comes only with ar1 and regime (syntheticPanelProblems refuses ou), whose series have log returns.
    const close = factor.returns ? closeWithFactor(series.logReturns!, factor.returns, startPrice) : series.price;
    const ohlcvSeed = deriveSeed(seed, 'ohlcv');
    const ownVol = barVolatility(series.params, periodsPerYear);
    const vol = factor.returns ? Math.sqrt(ownVol ** 2 + factorSigma ** 2) : ownVol;
    const bars = deriveOhlcv(close, vol, Rng.fromSeed(ohlcvSeed));
    for (const [column, values] of [
      ['close', close],
      ['high', bars.high],
      ['low', bars.low],
    ] as const) {
      const outside = outOfRangePrice(values);
      if (outside)
        throw new ConfigError([`seed ${options.seed}: ${symbol}'s ${column} reached ${outside.value} at row ${outside.row}, outside 1e-300..1e300; use another seed or a smaller sigma`]);
    }
    return { symbol, index, seed, ohlcvSeed, series, close, bars };
  });
  return { dates, symbols, factor, sameParams };
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
      for (const { symbol, series, close, bars } of panel.symbols) {
        const line = `${panel.dates[t]},${symbol},${bars.open[t]},${bars.high[t]},${bars.low[t]},${close[t]},${bars.volume[t]}`;
        lines.push(withRegime ? `${line},${series.regime![t]}` : line);
      }
    }
    yield lines.join('\n') + '\n';
  }
}
