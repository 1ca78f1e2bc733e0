import { DataError } from '../errors/index.js';
import { clip, quote } from '../errors/index.js';
import { isBlank, isMissing, plainDecimal, separatorHint, splitCsvLine } from './csv-cells.js';
import { GrowableColumn } from './csv-columns.js';
import type { PriceSeries } from './price-series.js';

export interface TableOptions {
  priceColumn: string;
  dateColumn: string;
  fillMissing: 'none' | 'ffill';
}

interface NumericState {
  name: string;
  index: number;
  /** Unknown until the first non-missing cell says whether the column holds numbers. */
  kind: 'unknown' | 'numeric' | 'text';
  /** Whether the column started with a missing cell (only possible while still unknown, or for the price). */
  startsMissing: boolean;
  values: GrowableColumn;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const EMPTY = Buffer.alloc(0);

/**
 * Builds a PriceSeries from CSV lines fed one at a time: the header, then rows parsed straight into typed
 * columns; no line or cell outlives its row. Every problem is a DataError naming the file and the line (line 1
 * is the header). Blank lines are kept back until a later line shows they are not trailing; the first data row
 * is kept back until a second one exists, so a one-row file says so before anything else.
 */
export class CsvTable {
  private header: string[] | null = null;
  private priceIndex = -1;
  private dateIndex = -1;
  private numeric: NumericState[] = [];
  private price: NumericState | null = null;
  private dates: string[] | null = null;
  private previousTime = -Infinity;
  private readonly filled: string[] = [];
  private rows = 0;
  private heldRow: { bytes: Buffer; line: number } | null = null;
  private blank = { count: 0, first: 0 };
  private ends = new Int32Array(16);
  private bytesSeen = 0;

  constructor(
    private readonly file: string,
    private readonly options: TableOptions,
    private readonly totalBytes: number,
  ) {}

  /** Feeds one line, buf[start..end) without its terminator. */
  readonly line = (buf: Buffer, start: number, end: number, line: number): void => {
    this.bytesSeen += end - start + 1;
    if (isBlank(buf, start, end)) {
      if (this.blank.count++ === 0) this.blank.first = line;
      return;
    }
    for (let k = 0; k < this.blank.count; k++) this.take(EMPTY, 0, 0, this.blank.first + k);
    this.blank.count = 0;
    this.take(buf, start, end, line);
  };

  /** The finished series; trailing blank lines are dropped. */
  finish(sha256: string): PriceSeries {
    const { file } = this;
    if (!this.header || !this.price) throw new DataError(file, 'the file is empty; expected a header row and data rows');
    // A row still held back means there was only one.
    const rows = this.rows + (this.heldRow ? 1 : 0);
    if (rows < 2) throw new DataError(file, `only ${rows} data row(s); a price series needs at least 2`);
    const columns: Record<string, Float64Array> = {};
    let price: Float64Array = new Float64Array(0);
    for (const s of this.numeric) {
      if (s.kind !== 'numeric') continue;
      const values = s.values.finish();
      if (s === this.price) price = values;
      else columns[s.name] = values;
    }
    // Assigned last, so a second column of the same name cannot stand in for the checked price.
    columns[this.price.name] = price;
    return { file, sha256, rows, dates: this.dates, columns, priceColumn: this.price.name, price, filled: this.filled };
  }

  private take(buf: Buffer, start: number, end: number, line: number): void {
    if (!this.header) return this.readHeader(buf.toString('utf8', start, end));
    if (this.rows === 0 && !this.heldRow) {
      this.heldRow = { bytes: Buffer.from(buf.subarray(start, end)), line };
      return;
    }
    if (this.heldRow) {
      const held = this.heldRow;
      this.heldRow = null;
      this.row(held.bytes, 0, held.bytes.byteLength, held.line);
    }
    this.row(buf, start, end, line);
  }

  private readHeader(text: string): void {
    const header = splitCsvLine(text).map((h) => h.trim().toLowerCase());
    const priceColumn = this.options.priceColumn.toLowerCase();
    this.priceIndex = header.indexOf(priceColumn);
    if (this.priceIndex < 0) {
      const hint = separatorHint(text);
      const columns = `no ${quote(this.options.priceColumn)} column; columns are: ${clip(header.join(', '))}`;
      throw new DataError(this.file, hint ? `${columns}. ${hint}` : `${columns} (choose one with --price-column)`, 1);
    }
    this.dateIndex = header.indexOf(this.options.dateColumn.toLowerCase());
    this.header = header;
    this.numeric = header.flatMap((name, index) =>
      index === this.priceIndex || index !== this.dateIndex ? [{ name, index, kind: 'unknown' as const, startsMissing: false, values: new GrowableColumn() }] : [],
    );
    this.price = this.numeric.find((s) => s.index === this.priceIndex) as NumericState;
    this.price.kind = 'numeric';
    if (this.dateIndex >= 0) this.dates = [];
    this.ends = new Int32Array(header.length + 1);
  }

  private row(buf: Buffer, start: number, end: number, line: number): void {
    const header = this.header as string[];
    const cells = this.splitRow(buf, start, end, line, header.length);
    if (this.rows === 1024) this.reserve();
    const ffill = this.options.fillMissing === 'ffill';
    for (const s of this.numeric) {
      if (s.kind === 'text') continue;
      const plain = cells ? undefined : plainDecimal(buf, s.index === 0 ? start : this.ends[s.index - 1] + 1, this.ends[s.index]);
      if (plain !== undefined && s.kind === 'numeric') {
        s.values.push(plain);
        continue;
      }
      const cell = cells ? cells[s.index] : this.cell(buf, start, s.index);
      if (isMissing(cell)) {
        if (s.kind === 'unknown') {
          s.startsMissing = true;
          continue;
        }
        if (!ffill) throw new DataError(this.file, `${s.name} is empty or NaN; fix the file or set data.fillMissing=ffill`, line);
        if (this.rows === 0) throw new DataError(this.file, `${s.name} is empty on the first data row, so there is nothing to fill forward`, line);
        s.values.push(s.values.last());
        this.filled.push(`${s.name}:${line}`);
        continue;
      }
      const value = plain ?? Number(cell.trim());
      if (s.kind === 'unknown') {
        if (!Number.isFinite(value)) {
          s.kind = 'text';
          continue;
        }
        s.kind = 'numeric';
        if (s.startsMissing) {
          const first = ffill ? 'is empty on the first data row, so there is nothing to fill forward' : 'is empty or NaN; fix the file or set data.fillMissing=ffill';
          throw new DataError(this.file, `${s.name} ${first}`, 2);
        }
      }
      if (!Number.isFinite(value)) throw new DataError(this.file, `${s.name} is ${quote(cell)}, which is not a number`, line);
      s.values.push(value);
    }
    const price = (this.price as NumericState).values.last();
    if (!(price > 0)) throw new DataError(this.file, `${(this.price as NumericState).name} is ${price}; prices must be positive`, line);
    if (this.dates) this.date((cells ? cells[this.dateIndex] : this.cell(buf, start, this.dateIndex)).trim(), line);
    this.rows++;
  }

  /**
   * Checks the row has one cell per column. Returns its cells when it has quotes; otherwise null, with where
   * each cell ends in this.ends, so only the cells needed are ever decoded.
   */
  private splitRow(buf: Buffer, start: number, end: number, line: number, columns: number): string[] | null {
    const ends = this.ends;
    let fields = 0;
    let quoted = false;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      if (b === QUOTE) {
        quoted = true;
        break;
      }
      if (b !== COMMA) continue;
      if (fields < columns) ends[fields] = i;
      fields++;
    }
    if (quoted) {
      const text = buf.toString('utf8', start, end);
      const cells = splitCsvLine(text);
      if (cells.length !== columns) this.ragged(cells.length, columns, text, line);
      return cells;
    }
    if (fields < columns) ends[fields] = end;
    fields++;
    if (fields !== columns) this.ragged(fields, columns, buf.toString('utf8', start, Math.min(end, start + 4096)), line);
    return null;
  }

  /** Cell j of an unquoted row that splitRow has just measured. */
  private cell(buf: Buffer, start: number, j: number): string {
    return buf.toString('utf8', j === 0 ? start : this.ends[j - 1] + 1, this.ends[j]);
  }

  private ragged(fields: number, columns: number, text: string, line: number): never {
    const hint = fields === 1 ? separatorHint(text) : null;
    throw new DataError(this.file, `has ${fields} fields, the header has ${columns}${hint ? `. ${hint}` : ''}`, line);
  }

  private date(text: string, line: number): void {
    const dates = this.dates as string[];
    const time = Date.parse(text);
    if (!Number.isFinite(time)) throw new DataError(this.file, `date ${quote(text)} is not a date (expected e.g. 2020-01-31)`, line);
    if (time <= this.previousTime) {
      // Dates only ever increase, so a repeat can only show up here, and looking for it costs nothing until then.
      const seen = dates.indexOf(text);
      if (seen >= 0) throw new DataError(this.file, `duplicate date ${clip(text)} (first at line ${seen + 2})`, line);
      throw new DataError(this.file, `date ${clip(text)} is not after the previous row's ${clip(dates[dates.length - 1])}; rows must be in increasing date order`, line);
    }
    this.previousTime = time;
    dates.push(text);
  }

  /** Sizes the columns from the file's length and the rows seen so far, so they rarely grow again. */
  private reserve(): void {
    const estimate = Math.ceil((this.totalBytes / this.bytesSeen) * this.rows * 1.02) + 16;
    for (const s of this.numeric) if (s.kind === 'numeric') s.values.reserve(estimate);
  }
}
