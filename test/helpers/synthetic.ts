import { Rng } from '../../src/random/rng.js';

/** Prices whose log returns follow AR(1): r_t = phi * r_{t-1} + sigma * e_t, seeded. */
export function ar1Prices(rows: number, phi: number, sigma: number, seed: number, start = 100): Float64Array {
  const rng = Rng.fromSeed(seed);
  const prices = new Float64Array(rows);
  prices[0] = start;
  let r = 0;
  for (let t = 1; t < rows; t++) {
    r = phi * r + sigma * rng.normal();
    prices[t] = prices[t - 1] * Math.exp(r);
  }
  return prices;
}

/** ISO dates for consecutive weekdays from 2001-01-01. */
export function weekdayDates(rows: number): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(2001, 0, 1));
  while (out.length < rows) {
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** A CSV text with date and close columns. */
export function toCsv(prices: ArrayLike<number>, dates = weekdayDates(prices.length)): string {
  const lines = ['date,close'];
  for (let i = 0; i < prices.length; i++) lines.push(`${dates[i]},${prices[i].toFixed(6)}`);
  return lines.join('\n') + '\n';
}

/** One instrument of a long-format panel: its closes, one per weekday, written from row `from` on (a late starter). */
export interface PanelSeries {
  symbol: string;
  prices: ArrayLike<number>;
  from?: number;
}

/** A long-format CSV text (date,symbol,close) of instruments on the same weekdays, sorted by date then by the given order. */
export function toPanelCsv(series: PanelSeries[], rows = series[0].prices.length): string {
  const dates = weekdayDates(rows);
  const lines = ['date,symbol,close'];
  for (let i = 0; i < rows; i++) {
    for (const s of series) if (i >= (s.from ?? 0)) lines.push(`${dates[i]},${s.symbol},${s.prices[i].toFixed(6)}`);
  }
  return lines.join('\n') + '\n';
}
