import type { CalendarGap } from './calendar-gaps.js';

/** The traded instrument's series, held column-wise: every numeric column is a Float64Array of `rows` values. */
export interface PriceSeries {
  /** data.path as given: a file, a folder or a glob. */
  file: string;
  /** The sha256 of the file's bytes; of several files, of their names and hashes. */
  sha256: string;
  rows: number;
  /** The instrument traded. */
  symbol: string;
  /** The instruments loaded (data.symbols), the traded one among them. */
  symbols: string[];
  /** Where an instrument lacks bars on the calendar (data.align ffill); none under intersect or for one instrument. */
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
}
