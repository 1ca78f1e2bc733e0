import { ar1Forecast } from './ar1.js';
import { ouForecast } from './ou.js';
import { regimeForecast } from './regime.js';
import { DEFAULT_PERIODS_PER_YEAR, type ResolvedParams, type SyntheticSeries } from './types.js';

export * from './types.js';
export { businessDays } from './calendar.js';
export { generateSynthetic, MAX_BARS, resolveSyntheticParams, syntheticProblems, type ParamLabel } from './generate.js';
export { barVolatility, deriveOhlcv, type OhlcvBars } from './ohlcv.js';
export { generateSyntheticPanel, syntheticPanelCsvChunks, type PanelFactor, type PanelSymbol, type SyntheticPanel } from './panel.js';
export {
  FACTOR_SEED_RULE,
  MAX_PANEL_ROWS,
  MAX_SYMBOLS,
  PARAM_RULE,
  panelSymbolNames,
  panelSymbolParams,
  panelSymbolSeed,
  SAME_PARAMS_RULE,
  SEED_RULE,
  SIGNAL_SCALES,
  syntheticPanelProblems,
  type PanelOptions,
} from './panel-params.js';
export { drawFactor, FACTOR_RULE, factorSeed, ownForecast } from './factor.js';

/** What the oracle sees: prices and, for the regime kind, the hidden state of each row. */
export interface ObservedMarket {
  price: ArrayLike<number>;
  regime?: ArrayLike<number> | null;
}

/**
 * The conditional expectation of the next bar's log return given the process, its parameters and everything up to
 * the close of each row: forecast[t] = E[ln(p_{t+1} / p_t) | F_t]; NaN where it is not defined (row 0 of ar1/regime).
 */
export function syntheticForecast(market: ObservedMarket, params: ResolvedParams, periodsPerYear = DEFAULT_PERIODS_PER_YEAR): Float64Array {
  if (params.kind === 'ar1') return ar1Forecast(market.price, params);
  if (params.kind === 'ou') return ouForecast(market.price, params, periodsPerYear);
  if (!market.regime || market.regime.length !== market.price.length) {
    throw new RangeError(`the regime oracle needs the hidden state of every row (${market.price.length}); got ${market.regime?.length ?? 'none'}`);
  }
  return regimeForecast(market.price, market.regime, params);
}

/**
 * The series as CSV text the loader reads: `date,close`, plus a `regime` column (+1 trend, -1 reversal) for the
 * regime kind. Prices are written in JavaScript's shortest round-trip form, so the file reads back to the same doubles.
 */
export function syntheticCsv(series: Pick<SyntheticSeries, 'price' | 'dates' | 'regime'>): string {
  return [...syntheticCsvChunks(series)].join('');
}

/** The same text in pieces of `rows` lines, for writing a long series without holding all of it as one string. */
export function* syntheticCsvChunks(series: Pick<SyntheticSeries, 'price' | 'dates' | 'regime'>, rows = 65_536): Generator<string> {
  yield series.regime ? 'date,close,regime\n' : 'date,close\n';
  for (let from = 0; from < series.price.length; from += rows) {
    const lines: string[] = [];
    for (let t = from; t < Math.min(from + rows, series.price.length); t++) {
      lines.push(series.regime ? `${series.dates[t]},${series.price[t]},${series.regime[t]}` : `${series.dates[t]},${series.price[t]}`);
    }
    yield lines.join('\n') + '\n';
  }
}
