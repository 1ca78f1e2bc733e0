/**
 * The few protobuf messages a scalar event file needs, encoded by hand in the protobuf wire format
 * (protobuf.dev/programming-guides/encoding). Field numbers from tensorboard/compat/proto/event.proto and summary.proto:
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; float simple_value = 2; }
 * Everything else is skipped when reading, so files from other writers decode as far as scalars go.
 */

/** The version string TensorBoard expects in the first event of a file. */
export const FILE_VERSION = 'brain.Event:2';

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** Field keys are (field number << 3) | wire type; every field here is below 16, so each key is one byte. */
const EVENT_WALL_TIME = (1 << 3) | FIXED64;
const EVENT_STEP = (2 << 3) | VARINT;
const EVENT_FILE_VERSION = (3 << 3) | LENGTH_DELIMITED;
const EVENT_SUMMARY = (5 << 3) | LENGTH_DELIMITED;
const SUMMARY_VALUE = (1 << 3) | LENGTH_DELIMITED;
const VALUE_TAG = (1 << 3) | LENGTH_DELIMITED;
const VALUE_SIMPLE_VALUE = (2 << 3) | FIXED32;

/** One summary value as decoded; `simpleValue` is absent for values of other kinds (images, tensors, ...). */
export interface DecodedValue {
  tag: string;
  simpleValue?: number;
}

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values: DecodedValue[];
}

/** The first event of a file: its wall time and the file version. */
export function encodeFileVersionEvent(wallTime: number): Buffer {
  const version = Buffer.from(FILE_VERSION, 'utf8');
  const out = Buffer.allocUnsafe(9 + 1 + varintSize(version.length) + version.length);
  let at = writeDouble(out, 0, EVENT_WALL_TIME, wallTime);
  out[at++] = EVENT_FILE_VERSION;
  at = writeVarint(out, at, version.length);
  out.set(version, at);
  return out;
}

/**
 * An event at `step` holding one simple_value per `[tag, value]`. `step` must be a non-negative safe integer;
 * values are stored as float32, as the proto declares.
 */
export function encodeScalarEvent(wallTime: number, step: number, values: ReadonlyArray<readonly [string, number]>): Buffer {
  const tags: Buffer[] = [];
  const valueSizes: number[] = [];
  let summarySize = 0;
  for (const [tag] of values) {
    const bytes = Buffer.from(tag, 'utf8');
    const size = 1 + varintSize(bytes.length) + bytes.length + 5;
    tags.push(bytes);
    valueSizes.push(size);
    summarySize += 1 + varintSize(size) + size;
  }
  const out = Buffer.allocUnsafe(9 + 1 + varintSize(step) + 1 + varintSize(summarySize) + summarySize);
  let at = writeDouble(out, 0, EVENT_WALL_TIME, wallTime);
  out[at++] = EVENT_STEP;
  at = writeVarint(out, at, step);
  out[at++] = EVENT_SUMMARY;
  at = writeVarint(out, at, summarySize);
  for (let i = 0; i < values.length; i++) {
    const tag = tags[i];
    out[at++] = SUMMARY_VALUE;
    at = writeVarint(out, at, valueSizes[i]);
    out[at++] = VALUE_TAG;
    at = writeVarint(out, at, tag.length);
    out.set(tag, at);
    at += tag.length;
    out[at++] = VALUE_SIMPLE_VALUE;
    at = out.writeFloatLE(values[i][1], at);
  }
  return out;
}

/** Decodes an Event; throws a RangeError (with the reason) on bytes that are not a well-formed message. */
export function decodeEvent(bytes: Uint8Array): DecodedEvent {
  const event: DecodedEvent = { wallTime: 0, step: 0, values: [] };
  const input = new WireReader(bytes, 0, bytes.length);
  while (input.more()) {
    const key = input.varint();
    if (key === EVENT_WALL_TIME) event.wallTime = input.double();
    else if (key === EVENT_STEP) event.step = input.int64();
    else if (key === EVENT_FILE_VERSION) event.fileVersion = input.text();
    else if (key === EVENT_SUMMARY) {
      const summary = input.message();
      while (summary.more()) {
        const summaryKey = summary.varint();
        if (summaryKey === SUMMARY_VALUE) event.values.push(decodeValue(summary.message()));
        else summary.skip(summaryKey);
      }
    } else input.skip(key);
  }
  return event;
}

function decodeValue(input: WireReader): DecodedValue {
  const value: DecodedValue = { tag: '' };
  while (input.more()) {
    const key = input.varint();
    if (key === VALUE_TAG) value.tag = input.text();
    else if (key === VALUE_SIMPLE_VALUE) value.simpleValue = input.float();
    else input.skip(key);
  }
  return value;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A cursor over the fields of one message, bytes [at, end) of `bytes`. */
class WireReader {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private at: number,
    private readonly end: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  more(): boolean {
    return this.at < this.end;
  }

  /** An unsigned varint; exact up to 2^53, which covers keys, lengths and every step this writer accepts. */
  varint(): number {
    let value = 0;
    for (let scale = 1, count = 0; this.at < this.end && count < 10; scale *= 0x80, count++) {
      const byte = this.bytes[this.at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
    throw new RangeError(`truncated or overlong varint before byte ${this.at}`);
  }

  /** An int64 varint; a negative one (ten bytes, two's complement) is read exactly through BigInt. */
  int64(): number {
    const start = this.at;
    const value = this.varint();
    if (this.at - start < 10) return value;
    let big = 0n;
    for (let i = 0; i < 10; i++) big |= BigInt(this.bytes[start + i] & 0x7f) << BigInt(7 * i);
    return Number(BigInt.asIntN(64, big));
  }

  double(): number {
    return this.view.getFloat64(this.take(8), true);
  }

  float(): number {
    return this.view.getFloat32(this.take(4), true);
  }

  text(): string {
    const length = this.varint();
    const start = this.take(length);
    return utf8.decode(this.bytes.subarray(start, start + length));
  }

  message(): WireReader {
    const length = this.varint();
    const start = this.take(length);
    return new WireReader(this.bytes, start, start + length);
  }

  /** Skips the value of a field whose key was just read. */
  skip(key: number): void {
    const wire = key % 8;
    if (wire === VARINT) this.varint();
    else if (wire === FIXED64) this.take(8);
    else if (wire === FIXED32) this.take(4);
    else if (wire === LENGTH_DELIMITED) this.take(this.varint());
    else throw new RangeError(`unsupported wire type ${wire} before byte ${this.at}`);
  }

  private take(length: number): number {
    const start = this.at;
    if (start + length > this.end) throw new RangeError(`field before byte ${start} runs past the end of its message`);
    this.at = start + length;
    return start;
  }
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Writes a non-negative integer up to 2^53 as a varint; division instead of shifts, which JavaScript limits to 32 bits. */
function writeVarint(out: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  return at;
}

function writeDouble(out: Buffer, at: number, key: number, value: number): number {
  out[at] = key;
  return out.writeDoubleLE(value, at + 1);
}
