import type { PriceSeries } from '../data/price-series.js';
import type { Window } from '../windows/build-windows.js';

/** An instrument that lacks bars inside a window: how many of the window's bars, and the first one it lacks. */
export interface MissingInstrument {
  symbol: string;
  missing: number;
  first: string;
}

/** The instruments of one window: those with a bar on every date of it, and those left out. */
export interface WindowCoverage {
  iteration: number;
  /** Bars of the window, from train start to test end. */
  bars: number;
  instruments: string[];
  leftOut: MissingInstrument[];
  /** Bars of the traded instrument that the calendar filled inside the window with its last earlier value. */
  filled: MissingInstrument | null;
}

/**
 * Which instruments each window holds whole, from train start to test end. Under `data.align: ffill` an instrument
 * that lacks a bar inside a window is left out of it; the traded one is carried forward from its last earlier bar
 * (never a later one), which the coverage says. Under `intersect` every instrument has every date.
 */
export function windowCoverage(series: Pick<PriceSeries, 'symbol' | 'symbols' | 'gaps' | 'dates'>, windows: Window[]): WindowCoverage[] {
  const label = (row: number) => (series.dates ? series.dates[row] : `row ${row + 1}`);
  return windows.map((w) => {
    const start = w.train.start;
    const end = w.test.end;
    const missing = new Map<string, MissingInstrument>();
    for (const gap of series.gaps) {
      const from = Math.max(gap.from, start);
      const to = Math.min(gap.to, end - 1);
      if (from > to) continue;
      const seen = missing.get(gap.symbol);
      if (seen) seen.missing += to - from + 1;
      else missing.set(gap.symbol, { symbol: gap.symbol, missing: to - from + 1, first: label(from) });
    }
    const filled = missing.get(series.symbol) ?? null;
    missing.delete(series.symbol);
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
    const parts = c.leftOut.map((m) => `${m.symbol} (${m.missing} of ${c.bars} bars missing, first ${m.first})`);
    if (parts.length)
      out.push(`window ${c.iteration} leaves out ${parts.join(', ')}: ${parts.length === 1 ? 'it lacks' : 'they lack'} bars inside it`);
    if (c.filled) {
      out.push(
        `window ${c.iteration}: ${c.filled.missing === 1 ? '1 bar' : `${c.filled.missing} bars`} of the traded ${c.filled.symbol} ${c.filled.missing === 1 ? 'is' : 'are'} missing (first ${c.filled.first}) and carr${c.filled.missing === 1 ? 'ies' : 'y'} its last earlier value (data.align ffill)`,
      );
    }
  }
  return out;
}
