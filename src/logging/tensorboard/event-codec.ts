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
  const tags = values.map(([tag]) => Buffer.from(tag, 'utf8'));
  const valueSizes = tags.map((tag) => 1 + varintSize(tag.length) + tag.length + 5);
  const summarySize = valueSizes.reduce((sum, size) => sum + 1 + varintSize(size) + size, 0);
  const out = Buffer.allocUnsafe(9 + 1 + varintSize(step) + 1 + varintSize(summarySize) + summarySize);
  let at = writeDouble(out, 0, EVENT_WALL_TIME, wallTime);
  out[at++] = EVENT_STEP;
  at = writeVarint(out, at, step);
  out[at++] = EVENT_SUMMARY;
  at = writeVarint(out, at, summarySize);
  values.forEach(([, value], i) => {
    const tag = tags[i];
    out[at++] = SUMMARY_VALUE;
    at = writeVarint(out, at, valueSizes[i]);
    out[at++] = VALUE_TAG;
    at = writeVarint(out, at, tag.length);
    out.set(tag, at);
    at += tag.length;
    out[at++] = VALUE_SIMPLE_VALUE;
    at = out.writeFloatLE(value, at);
  });
  return out;
}

/** Decodes an Event; throws a RangeError (with the reason) on bytes that are not a well-formed message. */
export function decodeEvent(bytes: Uint8Array): DecodedEvent {
  const event: DecodedEvent = { wallTime: 0, step: 0, values: [] };
  readFields(bytes, (key, field) => {
    if (key === EVENT_WALL_TIME) event.wallTime = field.view().getFloat64(0, true);
    else if (key === EVENT_STEP) event.step = field.int64();
    else if (key === EVENT_FILE_VERSION) event.fileVersion = field.text();
    else if (key === EVENT_SUMMARY) {
      readFields(field.bytes(), (summaryKey, value) => {
        if (summaryKey === SUMMARY_VALUE) event.values.push(decodeValue(value.bytes()));
      });
    }
  });
  return event;
}

function decodeValue(bytes: Uint8Array): DecodedValue {
  const value: DecodedValue = { tag: '' };
  readFields(bytes, (key, field) => {
    if (key === VALUE_TAG) value.tag = field.text();
    else if (key === VALUE_SIMPLE_VALUE) value.simpleValue = field.view().getFloat32(0, true);
  });
  return value;
}

interface Field {
  /** The field's raw bytes (length-delimited content, or the 4/8 bytes of a fixed field). */
  bytes(): Uint8Array;
  view(): DataView;
  text(): string;
  /** A varint read as a two's-complement int64, as a number (exact up to 2^53). */
  int64(): number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Walks the fields of one message, calling `visit` with each key; unknown fields are skipped by wire type. */
function readFields(bytes: Uint8Array, visit: (key: number, field: Field) => void): void {
  let at = 0;
  while (at < bytes.length) {
    const [key, afterKey] = readVarint(bytes, at);
    const wire = Number(key & 7n);
    let start = afterKey;
    let end: number;
    let varint = 0n;
    if (wire === VARINT) [varint, end] = readVarint(bytes, start);
    else if (wire === FIXED64) end = start + 8;
    else if (wire === FIXED32) end = start + 4;
    else if (wire === LENGTH_DELIMITED) {
      const [length, afterLength] = readVarint(bytes, start);
      start = afterLength;
      end = start + Number(length);
    } else throw new RangeError(`unsupported wire type ${wire} at byte ${at}`);
    if (end > bytes.length) throw new RangeError(`field at byte ${at} runs past the end of its message`);
    const content = bytes.subarray(start, end);
    visit(Number(key), {
      bytes: () => content,
      view: () => new DataView(content.buffer, content.byteOffset, content.byteLength),
      text: () => utf8.decode(content),
      int64: () => Number(BigInt.asIntN(64, varint)),
    });
    at = end;
  }
}

function readVarint(bytes: Uint8Array, start: number): [bigint, number] {
  let result = 0n;
  for (let at = start, shift = 0n; at < bytes.length && shift < 70n; at++, shift += 7n) {
    const byte = bytes[at];
    result |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return [result, at + 1];
  }
  throw new RangeError(`truncated or overlong varint at byte ${start}`);
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
