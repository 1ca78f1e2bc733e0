import { parseIsoDate } from './calendar.js';
import type { ResolvedParams } from './types.js';

/**
 * How far a generated log price can go, bounded before anything is drawn. Prices are written to a CSV and compounded
 * by the metrics: a double overflows near e^709 and underflows to 0 near e^-745, so the log price is kept within
 * +-ln(1e300) (prices from 1e-300 to 1e300, every one printed as a finite number the loader reads back exactly).
 */
export const MAX_ABS_LOG_PRICE = Math.log(1e300);
/**
 * Standard deviations of the accumulated noise allowed for. The sum of the noise is Gaussian; the chance that a
 * random walk ever passes 8 standard deviations of its final spread is below 1e-14 (reflection principle), and a
 * draw that does anyway is refused after drawing (outOfRangePrice).
 */
export const NOISE_SDS = 8;

/** The parts of the bound on |ln price| over `bars` rows: start, drift (deterministic) and noise (one standard deviation). */
export interface LogPriceReach {
  start: number;
  drift: number;
  noiseSd: number;
  total: number;
}

/**
 * ar1 and regime: the log price is the sum of the returns; a stationary AR(1) (or a coefficient switching between
 * +phi and -phi) adds at most sigma / (1 - |phi|) per sqrt(bar) of long-run standard deviation (Hamilton, Time Series
 * Analysis, 1994, eq. 7.2.9 for the long-run variance sigma^2 / (1 - phi)^2). ou: the log price reverts to ln(meanPrice)
 * with a spread of at most sigma sqrt(min(t, 1 / (2 theta))) after t years (Gillespie 1996, as in ou.ts).
 */
export function logPriceReach(p: ResolvedParams, bars: number, startPrice: number, periodsPerYear: number): LogPriceReach {
  const start = Math.abs(Math.log(startPrice));
  if (p.kind === 'ou') {
    const mu = Math.log(p.meanPrice);
    const noiseSd = p.sigma * Math.sqrt(Math.min(bars / periodsPerYear, 1 / (2 * p.theta)));
    const far = Math.max(start, Math.abs(mu));
    return { start, drift: far - start, noiseSd, total: far + NOISE_SDS * noiseSd };
  }
  const drift = p.kind === 'ar1' ? Math.abs(p.drift) * bars : 0;
  const noiseSd = (p.sigma / (1 - Math.abs(p.phi))) * Math.sqrt(bars);
  return { start, drift, noiseSd, total: start + drift + NOISE_SDS * noiseSd };
}

/**
 * A problem message when the bound passes +-ln(1e300): names the flags that move the log price and, for each, the
 * largest value that fits with the others as given. Null when the parameters fit.
 */
export function reachProblem(
  p: ResolvedParams,
  bars: number,
  startPrice: number,
  periodsPerYear: number,
  label: (key: string) => string,
): string | null {
  const reach = logPriceReach(p, bars, startPrice, periodsPerYear);
  if (reach.total <= MAX_ABS_LOG_PRICE) return null;
  const room = MAX_ABS_LOG_PRICE - reach.start;
  const fits: string[] = [];
  const limit = (x: number) => Number(x.toPrecision(3));
  if (p.kind === 'ou') {
    const sigmaMax = (MAX_ABS_LOG_PRICE - reach.start - reach.drift) / (NOISE_SDS * Math.sqrt(Math.min(bars / periodsPerYear, 1 / (2 * p.theta))));
    if (sigmaMax > 0) fits.push(`${label('sigma')} <= ${limit(sigmaMax)}`);
  } else {
    const perSqrtBar = NOISE_SDS * (p.sigma / (1 - Math.abs(p.phi)));
    const a = p.kind === 'ar1' ? Math.abs(p.drift) : 0;
    // The largest T with a T + b sqrt(T) <= room.
    const sqrtT = a > 0 ? (-perSqrtBar + Math.sqrt(perSqrtBar ** 2 + 4 * a * room)) / (2 * a) : room / perSqrtBar;
    if (room > 0 && Math.floor(sqrtT ** 2) >= 10) fits.push(`${label('bars')} <= ${Math.floor(sqrtT ** 2)}`);
    if (a > 0 && room - perSqrtBar * Math.sqrt(bars) > 0) fits.push(`|${label('drift')}| <= ${limit((room - perSqrtBar * Math.sqrt(bars)) / bars)}`);
    const sigmaMax = ((room - a * bars) * (1 - Math.abs(p.phi))) / (NOISE_SDS * Math.sqrt(bars));
    if (sigmaMax > 0) fits.push(`${label('sigma')} <= ${limit(sigmaMax)}`);
  }
  const parts = [
    reach.start > 0 ? `start ${limit(reach.start)}` : '',
    reach.drift > 0 ? `${p.kind === 'ou' ? 'mean price' : 'drift'} ${limit(reach.drift)}` : '',
    `${NOISE_SDS} sd of noise ${limit(NOISE_SDS * reach.noiseSd)}`,
  ].filter(Boolean);
  const given = (p.kind === 'ou' ? (['theta', 'sigma', 'meanPrice'] as const) : p.kind === 'ar1' ? (['phi', 'sigma', 'drift'] as const) : (['phi', 'sigma'] as const))
    .map((k) => `${label(k)} ${limit((p as unknown as Record<string, number>)[k])}`)
    .join(', ');
  return (
    `${label('bars')} ${bars} with ${given}: the log price could reach +-${limit(reach.total)} (${parts.join(' + ')}), ` +
    `beyond +-${limit(MAX_ABS_LOG_PRICE)} where prices leave 1e-300..1e300 (a double overflows near e^709); ` +
    (fits.length ? `allowed with the other values as given: ${fits.join(', or ')}` : `lower ${label('startPrice')} or the other values`)
  );
}

/** The row (and price) of the first price outside 1e-300..1e300 or not finite, or null. */
export function outOfRangePrice(price: Float64Array): { row: number; value: number } | null {
  for (let t = 0; t < price.length; t++) {
    const v = price[t];
    if (!(Math.abs(Math.log(v)) <= MAX_ABS_LOG_PRICE)) return { row: t, value: v };
  }
  return null;
}

/** The last date a yyyy-mm-dd row can hold. */
const LAST_DATE = '9999-12-31';

/** How many Monday-to-Friday days there are from `start` to 9999-12-31 (the dates of a series must stay yyyy-mm-dd). */
export function businessDaysLeft(start: string): number {
  const first = parseIsoDate(start);
  const last = parseIsoDate(LAST_DATE) as number;
  if (first === null || first > last) return 0;
  const days = Math.round((last - first) / 86_400_000) + 1;
  const weeks = Math.floor(days / 7);
  let count = weeks * 5;
  const firstWeekday = new Date(first).getUTCDay();
  for (let i = 0; i < days - weeks * 7; i++) {
    const weekday = (firstWeekday + i) % 7;
    if (weekday !== 0 && weekday !== 6) count++;
  }
  return count;
}
