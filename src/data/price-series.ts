import type { CalendarGap } from './calendar-gaps.js';

/** One instrument of a panel run, on the panel calendar. */
export interface InstrumentSeries {
  symbol: string;
  /** Close on the panel calendar; NaN on rows before the instrument's first bar. */
  price: Float64Array;
  /** Its SQL features by name on the panel calendar, NaN before their first value (and before its first bar). */
  features: Record<string, Float64Array>;
  /** Row of its first bar on the panel calendar. */
  firstRow: number;
}

/**
 * The series a run trades, held column-wise: every numeric column is a Float64Array of `rows` values. A run of one
 * instrument holds the traded one; a panel run (several selected, data.symbol null) holds every instrument in `panel`,
 * and `symbol`, `columns`, `price` and `features` are those of its first instrument (panel[0]) on the panel calendar.
 */
export interface PriceSeries {
  /** data.path as given: a file, a folder or a glob. */
  file: string;
  /** The sha256 of the file's bytes; of several files, of their names and hashes. */
  sha256: string;
  /** Rows of the calendar: the traded instrument's, or the panel's. */
  rows: number;
  /** The instrument traded; of a panel run, its first instrument. */
  symbol: string;
  /** The instruments loaded (data.symbols), the traded one among them; of a panel run, its instruments in name order. */
  symbols: string[];
  /**
   * Where an instrument lacks bars on the calendar (data.align ffill): for a panel, every instrument's rows before its
   * first bar, between two and after its last. None under intersect or for one instrument.
   */
  gaps: CalendarGap[];
  /** The dates as written in the file when it has a date column, else null. */
  dates: string[] | null;
  /** Every numeric column, keyed by its lower-cased header. */
  columns: Record<string, Float64Array>;
  priceColumn: string;
  price: Float64Array;
  /** Cells filled by `data.fillMissing: ffill`, as "column:line" (or "column:row N") entries (empty when none). */
  filled: string[];
  /** The SQL features asked for at loading, by name: one value per row, NaN before the first. */
  features: Record<string, Float64Array>;
  /** The rows at which the look-ahead gate cut the data (empty when it was not asked for). */
  gateCuts: number[];
  /** Every instrument of a panel run, in `symbols` order; null for a run of one instrument. */
  panel: InstrumentSeries[] | null;
}
