import { readFileSync } from 'node:fs';

// ---------------------------------------------------------------------------------------------------------------
// An independent decoder: written here from the format descriptions (TFRecord in tensorflow/python/lib/io/python_io.py,
// the wire format at protobuf.dev/programming-guides/encoding, fields from tensorboard/compat/proto/event.proto and
// summary.proto), sharing no code with the library's reader or encoder.
// ---------------------------------------------------------------------------------------------------------------

/** CRC-32C, reflected polynomial 0x82F63B78, one bit at a time. */
export function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function masked(crc: number): number {
  const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
  return (rotated + 0xa282ead8) % 2 ** 32;
}

export interface Decoded {
  offset: number;
  size: number;
  wallTime: number;
  step: number;
  fileVersion?: string;
  values: [string, number][];
}

function varint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  for (let scale = 1; ; scale *= 128) {
    if (at >= bytes.length) throw new Error('varint runs off the end');
    const byte = bytes[at++];
    value += (byte & 0x7f) * scale;
    if (byte < 128) return [value, at];
  }
}

/** [field number, wire type, content] for each field; fails on wire types this format does not use. */
function fields(bytes: Uint8Array): [number, number, Uint8Array][] {
  const out: [number, number, Uint8Array][] = [];
  let at = 0;
  while (at < bytes.length) {
    const [key, next] = varint(bytes, at);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let size: number;
    at = next;
    if (wire === 0) size = varint(bytes, at)[1] - at;
    else if (wire === 1) size = 8;
    else if (wire === 5) size = 4;
    else if (wire === 2) [size, at] = varint(bytes, at);
    else throw new Error(`wire type ${wire}`);
    if (at + size > bytes.length) throw new Error('field runs off the end');
    out.push([field, wire, bytes.subarray(at, at + size)]);
    at += size;
  }
  return out;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const text = (b: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(b);

function decodeEvent(payload: Uint8Array): Omit<Decoded, 'offset' | 'size'> {
  const event: Omit<Decoded, 'offset' | 'size'> = { wallTime: 0, step: 0, values: [] };
  for (const [field, wire, content] of fields(payload)) {
    if (field === 1 && wire === 1) event.wallTime = view(content).getFloat64(0, true);
    else if (field === 2 && wire === 0) event.step = varint(content, 0)[0];
    else if (field === 3 && wire === 2) event.fileVersion = text(content);
    else if (field === 5 && wire === 2) {
      for (const [summaryField, summaryWire, value] of fields(content)) {
        if (summaryField !== 1 || summaryWire !== 2) throw new Error(`unexpected Summary field ${summaryField}`);
        let tag: string | undefined;
        let simple: number | undefined;
        for (const [valueField, valueWire, part] of fields(value)) {
          if (valueField === 1 && valueWire === 2) tag = text(part);
          else if (valueField === 2 && valueWire === 5) simple = view(part).getFloat32(0, true);
          else throw new Error(`unexpected Value field ${valueField}`);
        }
        if (tag === undefined || simple === undefined) throw new Error('value without tag or simple_value');
        event.values.push([tag, simple]);
      }
    } else throw new Error(`unexpected Event field ${field} (wire ${wire})`);
  }
  return event;
}

/** Every record of an event file; throws on a CRC mismatch or on bytes that do not make a whole record. */
export function decodeFile(file: string): Decoded[] {
  const bytes = new Uint8Array(readFileSync(file));
  const data = view(bytes);
  const events: Decoded[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new Error(`partial header at ${at}`);
    if (data.getUint32(at + 8, true) !== masked(bitwiseCrc32c(bytes.subarray(at, at + 8)))) throw new Error(`length CRC at ${at}`);
    const length = Number(data.getBigUint64(at, true));
    const end = at + 12 + length + 4;
    if (end > bytes.length) throw new Error(`partial record at ${at}`);
    const payload = bytes.subarray(at + 12, at + 12 + length);
    if (data.getUint32(at + 12 + length, true) !== masked(bitwiseCrc32c(payload))) throw new Error(`payload CRC at ${at}`);
    events.push({ offset: at, size: end - at, ...decodeEvent(payload) });
    at = end;
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------------------
