/** A price series held column-wise: every numeric column is a Float64Array of `rows` values. */
export interface PriceSeries {
  file: string;
  sha256: string;
  rows: number;
  /** ISO dates (as written in the file) when the file has a date column, else null. */
  dates: string[] | null;
  /** Every numeric column, keyed by its lower-cased header. */
  columns: Record<string, Float64Array>;
  priceColumn: string;
  price: Float64Array;
  /** Cells filled by `data.fillMissing: ffill`, as "column:line" entries (empty when none). */
  filled: string[];
}
