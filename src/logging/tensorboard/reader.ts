import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeEvent, type DecodedEvent } from './event-codec.js';
import { TensorBoardCorruptError } from './errors.js';
import { scanRecords } from './record-framing.js';

/** One scalar as TensorBoard would plot it; `wallTime` in seconds since the epoch. */
export interface ScalarPoint {
  tag: string;
  step: number;
  value: number;
  wallTime: number;
}

export interface EventFileContents {
  events: DecodedEvent[];
  /** Bytes covered by complete records. */
  completeBytes: number;
  /** True when an incomplete record follows them (a write cut short, or one still under way). */
  tornTail: boolean;
}

export interface ReadOptions {
  /** Throw on an incomplete last record too; by default it is ignored, as TensorBoard does while a writer is live. */
  strict?: boolean;
}

/** TensorBoard reads every file of a run folder whose name contains this. */
export function isEventFileName(name: string): boolean {
  return name.includes('tfevents');
}

/**
 * Reads one event file, checking the framing and both CRCs of every record and decoding each event.
 * Throws TensorBoardCorruptError naming the file and byte offset of the first bad record.
 */
export async function readEventFile(file: string, options: ReadOptions = {}): Promise<EventFileContents> {
  const prefix = await readGoodPrefix(file);
  if (prefix.damage) throw new TensorBoardCorruptError(file, prefix.damage.offset, prefix.damage.problem);
  if (prefix.tornTail && options.strict) {
    throw new TensorBoardCorruptError(file, prefix.completeBytes, 'incomplete record at the end of the file');
  }
  return { events: prefix.events, completeBytes: prefix.completeBytes, tornTail: prefix.tornTail };
}

export interface GoodPrefix extends EventFileContents {
  /** Bytes in the file. */
  size: number;
  /** The first record that fails its CRCs or does not decode: where it starts and why; null when none does. */
  damage: { offset: number; problem: string } | null;
}

/**
 * What can be trusted of an event file: the events of its records up to the first bad one (a CRC mismatch, or a
 * payload that does not decode), and where that one starts. Never throws on damage: TensorBoard itself shows a
 * file's records up to its first bad one, and so can a writer that continues the file.
 */
export async function readGoodPrefix(file: string): Promise<GoodPrefix> {
  const bytes = await readFile(file);
  const scan = scanRecords(bytes);
  const events: DecodedEvent[] = [];
  for (const { offset, payload } of scan.records) {
    try {
      events.push(decodeEvent(payload));
    } catch (err) {
      const damage = { offset, problem: `event does not decode: ${(err as Error).message}` };
      return { events, completeBytes: offset, tornTail: false, size: bytes.length, damage };
    }
  }
  const damage = scan.damage === null ? null : { offset: scan.completeBytes, problem: scan.damage };
  return { events, completeBytes: scan.completeBytes, tornTail: scan.tornTail, size: bytes.length, damage };
}

/** The scalars (simple values) of decoded events, in file order. */
export function scalarsOf(events: readonly DecodedEvent[]): ScalarPoint[] {
  const points: ScalarPoint[] = [];
  for (const event of events) {
    for (const value of event.values) {
      if (value.simpleValue !== undefined) {
        points.push({ tag: value.tag, step: event.step, value: value.simpleValue, wallTime: event.wallTime });
      }
    }
  }
  return points;
}

/**
 * Every scalar in the event files of `dir` (not its subfolders), files in name order as TensorBoard reads them.
 * Verifies framing and CRCs; corruption throws TensorBoardCorruptError with file and offset.
 */
export async function readScalars(dir: string, options: ReadOptions = {}): Promise<ScalarPoint[]> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && isEventFileName(entry.name))
    .map((entry) => entry.name)
    .sort();
  const points: ScalarPoint[] = [];
  for (const name of names) {
    for (const point of scalarsOf((await readEventFile(join(dir, name), options)).events)) points.push(point);
  }
  return points;
}
