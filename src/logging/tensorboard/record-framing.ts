import { maskedCrc32c } from './crc32c.js';

/**
 * TFRecord framing (tensorflow/core/lib/io/record_writer.cc, tensorflow/python/lib/io/python_io.py), little-endian:
 * uint64 length | uint32 masked CRC32C of those 8 bytes | payload | uint32 masked CRC32C of the payload.
 */
const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;

/** One complete record: where it starts in the file and its payload (a view into the file's bytes). */
export interface FramedRecord {
  offset: number;
  payload: Buffer;
}

export interface RecordScan {
  /** The complete records before the first bad one. */
  records: FramedRecord[];
  /** Bytes covered by those records: a torn tail or the first bad record starts here. */
  completeBytes: number;
  /** True when bytes follow the last complete record that do not make a whole record (a write cut short). */
  tornTail: boolean;
  /** Why the record at completeBytes is bad (a CRC mismatch), or null when every whole record checks. */
  damage: string | null;
}

/** The bytes of one record holding `payload`. */
export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length + FOOTER_BYTES);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(0, 4);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(payload, HEADER_BYTES);
  out.writeUInt32LE(maskedCrc32c(payload), HEADER_BYTES + payload.length);
  return out;
}

/**
 * Splits a file's bytes into records, checking both CRCs of each, and stops at the first record whose CRC fails
 * (nothing after it can be trusted: the length that finds the next record may be the damaged part). An incomplete
 * record at the end is reported as a torn tail (what a process killed mid-append leaves).
 */
export function scanRecords(bytes: Buffer): RecordScan {
  const records: FramedRecord[] = [];
  let offset = 0;
  let damage: string | null = null;
  while (offset < bytes.length) {
    if (bytes.length - offset < HEADER_BYTES) break;
    if (bytes.readUInt32LE(offset + 8) !== maskedCrc32c(bytes.subarray(offset, offset + 8))) {
      damage = 'length CRC mismatch';
      break;
    }
    const length = Number(bytes.readBigUInt64LE(offset));
    const end = offset + HEADER_BYTES + length + FOOTER_BYTES;
    if (end > bytes.length) break;
    const payload = bytes.subarray(offset + HEADER_BYTES, end - FOOTER_BYTES);
    if (bytes.readUInt32LE(end - FOOTER_BYTES) !== maskedCrc32c(payload)) {
      damage = 'payload CRC mismatch';
      break;
    }
    records.push({ offset, payload });
    offset = end;
  }
  return { records, completeBytes: offset, tornTail: damage === null && offset < bytes.length, damage };
}
