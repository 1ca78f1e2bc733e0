import { mkdir, readdir, type FileHandle } from 'node:fs/promises';
import { openForAppend, refuseNonFolder, refuseNonRegular } from '../../util/regular-file.js';
import { join } from 'node:path';
import { cutToGoodPrefix, damageOf, OWN_EVENT_FILE, type EventFileDamage } from './damage.js';
import { encodeFileVersionEvent, encodeScalarEvent } from './event-codec.js';
import { frameRecord } from './record-framing.js';
import { readGoodPrefix, scalarsOf } from './reader.js';

/** The name of the event file a writer started at `startSeconds` creates. */
export function eventFileName(startSeconds: number): string {
  return `events.out.tfevents.${startSeconds}.wfo`;
}

export interface TensorBoardWriterOptions {
  /** Seconds since the epoch for the name of a new file; an existing file of ours in the folder is reused instead. */
  startSeconds: number;
  /** Milliseconds since the epoch, stamped on each event as its wall time (default Date.now). */
  now?: () => number;
  /** Append once this many events are buffered (default 1000). */
  flushEvery?: number;
  /** Append buffered events at the latest this long after the first of them (default 2000 ms; 0: only flushEvery and close). */
  flushIntervalMs?: number;
}

/**
 * Appends scalars to a TensorBoard event file, one folder per run. Opening again after a crash or a resume reuses
 * the file, drops a torn last record and skips any step at or below the last one already written for its tag, so a
 * resumed run continues each curve without duplicate points. A damaged file (a record failing its CRC) never stops
 * the run: it is cut back to its records before the bad one, and `damaged` says so. Not safe for two writers on one folder.
 */
export class TensorBoardWriter {
  private pending: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;

  private constructor(
    /** The files of ours found damaged on open and cut back to their good prefix (for the caller to warn about). */
    readonly damaged: readonly EventFileDamage[],
    /** The event file being appended to. */
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly lastSteps: Map<string, number>,
    private readonly now: () => number,
    private readonly flushEvery: number,
    private readonly flushIntervalMs: number,
  ) {}

  /**
   * Creates `dir` if needed and opens its event file for appending: the newest `events.out.tfevents.*.wfo` there,
   * or a new one named from `startSeconds`. Every existing file of ours is read and checked. A torn final record is
   * truncated away; a damaged one is cut back to the records before its first bad record (TensorBoard shows no more
   * of it either), its later steps are written again as the run reaches them, and the damage is in `damaged`.
   */
  static async open(dir: string, options: TensorBoardWriterOptions): Promise<TensorBoardWriter> {
    const { startSeconds, now = Date.now, flushEvery = 1000, flushIntervalMs = 2000 } = options;
    if (!Number.isSafeInteger(startSeconds) || startSeconds < 0) {
      throw new RangeError(`startSeconds must be a non-negative integer, got ${startSeconds}`);
    }
    if (!Number.isInteger(flushEvery) || flushEvery < 1) throw new RangeError(`flushEvery must be a positive integer, got ${flushEvery}`);
    await refuseNonFolder(dir);
    await mkdir(dir, { recursive: true });
    const entries = await readdir(dir, { withFileTypes: true });
    // A FIFO or link under our file name would block the read or lead elsewhere: refused before it is opened.
    const impostor = entries.find((e) => OWN_EVENT_FILE.test(e.name) && !e.isFile());
    if (impostor) await refuseNonRegular(join(dir, impostor.name));
    const own = entries
      .map(({ name }) => ({ name, match: OWN_EVENT_FILE.exec(name) }))
      .filter((entry) => entry.match !== null)
      .sort((a, b) => Number(a.match![1]) - Number(b.match![1]) || a.name.localeCompare(b.name));
    const lastSteps = new Map<string, number>();
    const damaged: EventFileDamage[] = [];
    let records = 0;
    for (const { name } of own) {
      const path = join(dir, name);
      const prefix = await readGoodPrefix(path);
      const damage = damageOf(path, name, prefix);
      if (damage) await cutToGoodPrefix(damage);
      if (prefix.damage && damage) damaged.push(damage);
      for (const point of scalarsOf(prefix.events)) {
        lastSteps.set(point.tag, Math.max(point.step, lastSteps.get(point.tag) ?? -Infinity));
      }
      records = prefix.events.length;
    }
    const file = join(dir, own.at(-1)?.name ?? eventFileName(startSeconds));
    const handle = await openForAppend(file);
    const writer = new TensorBoardWriter(damaged, file, handle, lastSteps, now, flushEvery, flushIntervalMs);
    if (records === 0) await handle.appendFile(frameRecord(encodeFileVersionEvent(now() / 1000)));
    return writer;
  }

  /** The last step written for `tag`, counting earlier runs; undefined if none. */
  lastStep(tag: string): number | undefined {
    return this.lastSteps.get(tag);
  }

  /** Records `value` for `tag` at `step`; returns false (and writes nothing) if that tag already has this step or a later one. */
  scalar(tag: string, step: number, value: number): boolean {
    return this.scalars(step, { [tag]: value }) === 1;
  }

  /**
   * Records several tags at one step as a single event, skipping tags that already have this step or a later one.
   * Non-finite values are written as they are: TensorBoard marks NaN and infinite points, and a loss turning NaN is
   * worth seeing. Values are stored as float32 (the proto's type). Returns how many values were recorded.
   */
  scalars(step: number, values: Readonly<Record<string, number>>): number {
    this.throwIfUnusable();
    if (!Number.isSafeInteger(step) || step < 0) throw new RangeError(`step must be a non-negative integer, got ${step}`);
    const fresh: [string, number][] = [];
    for (const [tag, value] of Object.entries(values)) {
      if (tag === '') throw new RangeError('tag must not be empty');
      if (typeof value !== 'number') throw new TypeError(`value for ${tag} must be a number, got ${typeof value}`);
      if (step > (this.lastSteps.get(tag) ?? -1)) fresh.push([tag, value]);
    }
    if (fresh.length === 0) return 0;
    for (const [tag] of fresh) this.lastSteps.set(tag, step);
    this.pending.push(frameRecord(encodeScalarEvent(this.now() / 1000, step, fresh)));
    // A failed flush is reported by the close() that awaits the same write; the run does not stop for a chart.
    if (this.pending.length >= this.flushEvery) void this.flush().catch(() => undefined);
    else if (this.timer === undefined && this.flushIntervalMs > 0) {
      // As above: close() reports what failed.
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.flushIntervalMs);
      this.timer.unref();
    }
    return fresh.length;
  }

  /** Appends everything buffered so far; resolves once it is in the file (no fsync: this is an observation log). */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length > 0) {
      const chunk = Buffer.concat(this.pending);
      this.pending = [];
      this.writing = this.writing.then(() => (this.failure === undefined ? this.append(chunk) : undefined));
    }
    return this.writing.then(() => this.throwIfFailed());
  }

  /** Flushes and closes the file; the writer cannot be used afterwards. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.handle.close();
    }
  }

  private async append(chunk: Buffer): Promise<void> {
    try {
      await this.handle.appendFile(chunk);
    } catch (err) {
      this.failure = err;
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private throwIfUnusable(): void {
    if (this.closed) throw new Error(`TensorBoard writer for ${this.file} is closed`);
    this.throwIfFailed();
  }
}
