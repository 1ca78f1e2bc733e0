/**
 * A numeric column filled row by row into a Float64Array that doubles when full, so a long file costs its
 * values and some spare capacity rather than a string per cell. `reserve` lets the loader size it from the
 * file's length once it has seen how long rows are.
 */
export class GrowableColumn {
  private values: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.values = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.values.length;
  }

  push(value: number): void {
    if (this.length === this.values.length) this.reserve(this.values.length * 2);
    this.values[this.length++] = value;
  }

  last(): number {
    return this.values[this.length - 1];
  }

  /** Grows the capacity to at least `capacity` values. */
  reserve(capacity: number): void {
    if (capacity <= this.values.length) return;
    const bigger = new Float64Array(capacity);
    bigger.set(this.values.subarray(0, this.length));
    this.values = bigger;
  }

  /** The values as an array of exactly `length` (a copy only when there is spare capacity). */
  finish(): Float64Array {
    const out = this.values.length === this.length ? this.values : this.values.slice(0, this.length);
    this.values = new Float64Array(0);
    return out;
  }
}
