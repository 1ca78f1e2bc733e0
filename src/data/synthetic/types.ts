/**
 * Parameters of the synthetic markets. Returns are log returns per bar; "annualised" figures assume
 * `periodsPerYear` bars a year (252 unless told), the convention of the metrics.
 */
export const syntheticKinds = ['ar1', 'regime', 'ou'] as const;
export type SyntheticKind = (typeof syntheticKinds)[number];

/** r_t - drift = phi (r_{t-1} - drift) + sigma e_t, e_t ~ N(0, 1). */
export interface Ar1Params {
  kind: 'ar1';
  /** Lag-1 coefficient, |phi| < 1. Default 0.2. */
  phi?: number;
  /** Innovation sd per bar. Default: the value giving a stationary annualised volatility of 16%. */
  sigma?: number;
  /** Mean log return per bar. Default 0. */
  drift?: number;
}

/**
 * Two-state Markov switch: in the trend state r_t = +phi r_{t-1} + sigma e_t, in the reversal state
 * r_t = -phi r_{t-1} + sigma e_t; the state flips with probability switchProb before each bar.
 */
export interface RegimeParams {
  kind: 'regime';
  /** Size of the coefficient in both states, 0 <= phi < 1. Default 0.3. */
  phi?: number;
  /** Probability per bar that the state flips. Default 0.01 (regimes last 100 bars on average). */
  switchProb?: number;
  /** Innovation sd per bar. Default: stationary annualised volatility of 16% (the same in both states). */
  sigma?: number;
}

/** Log price X follows dX = theta (mu - X) dt + sigma dW with dt = 1 / periodsPerYear and mu = ln(meanPrice). */
export interface OuParams {
  kind: 'ou';
  /** Mean-reversion speed per year. Default 10 (half-life ln 2 / 10 years, about 17 bars of 252 a year). */
  theta?: number;
  /** Annualised diffusion of the log price. Default 0.16. */
  sigma?: number;
  /** The price the log price reverts to, exp(mu). Default: the start price. */
  meanPrice?: number;
}

export type SyntheticParams = Ar1Params | RegimeParams | OuParams;
export type ResolvedAr1 = Required<Ar1Params>;
export type ResolvedRegime = Required<RegimeParams>;
export type ResolvedOu = Required<OuParams>;
export type ResolvedParams = ResolvedAr1 | ResolvedRegime | ResolvedOu;

export interface GenerateOptions {
  /** Rows of the series, >= 10. */
  bars: number;
  /** Seed of the Rng the draws come from. */
  seed: number;
  /** Price at row 0. Default 100. */
  startPrice?: number;
  /** First date, yyyy-mm-dd; the series starts on the first business day on or after it. Default 2000-01-03. */
  startDate?: string;
  /** Bars per year, for the default sigmas and the OU time step. Default 252. */
  periodsPerYear?: number;
}

/** A generated market: prices, dates and, for the regime kind, the hidden state of each row. */
export interface SyntheticSeries {
  params: ResolvedParams;
  bars: number;
  seed: number;
  startPrice: number;
  periodsPerYear: number;
  price: Float64Array;
  /** ISO dates of consecutive Monday-to-Friday days (no holidays), in UTC. */
  dates: string[];
  /** Regime kind only: +1 where the row's return was drawn in the trend state, -1 in the reversal state. */
  regime: Int8Array | null;
  /** ar1 and regime: the drawn log return of each row, which the price compounds from row 1; null for ou (a level process). */
  logReturns: Float64Array | null;
}

export const DEFAULT_ANNUAL_VOL = 0.16;
export const DEFAULT_START_PRICE = 100;
export const DEFAULT_START_DATE = '2000-01-03';
export const DEFAULT_PERIODS_PER_YEAR = 252;
