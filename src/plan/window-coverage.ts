import type { PriceSeries } from '../data/price-series.js';
import type { Window } from '../windows/build-windows.js';

/**
 * An instrument left out of a window. Without a reason it lacks bars inside the window (in a panel run, before its
 * test segment): `missing` of them, the first on `first`. With reason 'warmup' (a panel run) it holds them but its
 * features are still warming up on `missing` of the training bars from `first`, after another instrument's are ready
 * (or leaving fewer than two bars to train on).
 */
export interface MissingInstrument {
  symbol: string;
  missing: number;
  first: string;
  reason?: 'warmup';
}

/** The instruments of one window: those with a bar on every date of it, and those left out. */
export interface WindowCoverage {
  iteration: number;
  /** Bars of the window, from train start to test end. */
  bars: number;
  instruments: string[];
  leftOut: MissingInstrument[];
  /** Bars of the traded instrument that the calendar filled inside the window with its last earlier value (null in a panel run). */
  filled: MissingInstrument | null;
}

/**
 * Which instruments each window holds whole, from train start to test end. Under `data.align: ffill` an instrument
 * that lacks a bar inside a window is left out of it; the traded one is carried forward from its last earlier bar
 * (never a later one), which the coverage says. A panel run has no traded instrument: every instrument with a gap
 * before the test segment is left out, and its test bars do not count (see below). Under `intersect` every instrument
 * has every date.
 */
export function windowCoverage(series: Pick<PriceSeries, 'symbol' | 'symbols' | 'gaps' | 'dates' | 'panel'>, windows: Window[]): WindowCoverage[] {
  const traded = series.panel ? null : series.symbol;
  const label = (row: number) => (series.dates ? series.dates[row] : `row ${row + 1}`);
  return windows.map((w) => {
    const start = w.train.start;
    // A panel's universe is what was known when its model was chosen: an instrument whose bars end (or pause) inside
    // the test segment is traded there on its last price, and one left out for its test bars would be survivorship.
    const end = traded === null ? w.test.start : w.test.end;
    const missing = new Map<string, MissingInstrument>();
    for (const gap of series.gaps) {
      const from = Math.max(gap.from, start);
      const to = Math.min(gap.to, end - 1);
      if (from > to) continue;
      const seen = missing.get(gap.symbol);
      if (seen) seen.missing += to - from + 1;
      else missing.set(gap.symbol, { symbol: gap.symbol, missing: to - from + 1, first: label(from) });
    }
    const filled = (traded !== null && missing.get(traded)) || null;
    if (traded !== null) missing.delete(traded);
    return {
      iteration: w.iteration,
      bars: end - start,
      instruments: series.symbols.filter((s) => !missing.has(s)),
      leftOut: [...missing.values()],
      filled,
    };
  });
}

/** One line per window that leaves an instrument out or fills bars of the traded one (nothing when none does). */
export function coverageLines(coverage: WindowCoverage[]): string[] {
  const out: string[] = [];
  for (const c of coverage) {
    const parts = c.leftOut.filter((m) => !m.reason).map((m) => `${m.symbol} (${m.missing} of ${c.bars} bars missing, first ${m.first})`);
    if (parts.length)
      out.push(`window ${c.iteration} leaves out ${parts.join(', ')}: ${parts.length === 1 ? 'it lacks' : 'they lack'} bars inside it`);
    const warming = c.leftOut.filter((m) => m.reason === 'warmup').map((m) => `${m.symbol} (${m.missing} training bars from ${m.first})`);
    if (warming.length)
      out.push(
        `window ${c.iteration} leaves out ${warming.join(', ')}: ${warming.length === 1 ? 'its features warm up' : 'their features warm up'} over them, after the other instruments' are ready`,
      );
    if (c.filled) {
      out.push(
        `window ${c.iteration}: ${c.filled.missing === 1 ? '1 bar' : `${c.filled.missing} bars`} of the traded ${c.filled.symbol} ${c.filled.missing === 1 ? 'is' : 'are'} missing (first ${c.filled.first}) and carr${c.filled.missing === 1 ? 'ies' : 'y'} its last earlier value (data.align ffill)`,
      );
    }
  }
  return out;
}
