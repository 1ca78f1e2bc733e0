import { closeSync, openSync, writeSync } from 'node:fs';
import { constants, deflateRawSync } from 'node:zlib';

/** One entry of a hand-made zip. */
export interface HostileEntry {
  name: string;
  /** Content, deflated (default) or stored. */
  data?: Uint8Array;
  /** Instead of data: this many zero bytes, deflated, written without ever holding them. */
  zeros?: number;
  store?: boolean;
  /** The uncompressed size both headers declare; defaults to the real size (a lying directory when set). */
  declaredSize?: number;
}

const MiB = 1 << 20;
/** The final, empty fixed-Huffman block (BFINAL=1, BTYPE=01, end-of-block) that closes a raw deflate stream. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/**
 * A raw deflate segment that inflates to 1 MiB of zeros and ends byte-aligned after a full flush, so the
 * compressor state is reset and copies of it can follow each other (RFC 1951 section 3.2.3: only the last
 * block carries BFINAL).
 */
let zeroSegment: Buffer | null = null;
function zeroMiB(): Buffer {
  zeroSegment ??= deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  return zeroSegment;
}

/**
 * Writes a zip byte by byte (PKWARE APPNOTE 4.3: local headers, data, central directory, end record) so
 * tests can make what archiver refuses to: a directory that lies about sizes, an entry that inflates to
 * gigabytes from a file of a few megabytes. CRC-32 fields are left 0: neither yauzl nor the reader checks them
 * (the manifest's sha256 does that job). Sizes must stay under 4 GiB (no zip64).
 */
export function writeHostileZip(path: string, entries: HostileEntry[]): void {
  const fd = openSync(path, 'w');
  let offset = 0;
  const write = (b: Uint8Array) => {
    writeSync(fd, b);
    offset += b.byteLength;
  };
  const central: Buffer[] = [];
  try {
    for (const e of entries) {
      const name = Buffer.from(e.name, 'utf8');
      const method = e.store ? 0 : 8;
      let body: Buffer[];
      let realSize: number;
      if (e.zeros !== undefined) {
        if (e.store) throw new Error('zeros are always deflated');
        if (e.zeros % MiB !== 0) throw new Error('zeros must be a whole number of MiB');
        body = [];
        realSize = e.zeros;
      } else {
        const data = Buffer.from(e.data ?? new Uint8Array());
        body = [e.store ? data : deflateRawSync(data)];
        realSize = data.byteLength;
      }
      const segments = e.zeros !== undefined ? e.zeros / MiB : 0;
      const compressed = e.zeros !== undefined ? segments * zeroMiB().byteLength + FINAL_BLOCK.byteLength : body[0].byteLength;
      const declared = e.declaredSize ?? realSize;
      const headerOffset = offset;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(0x0800, 6); // names are UTF-8
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(0, 10);
      local.writeUInt16LE(0x2821, 12); // 2000-01-01
      local.writeUInt32LE(0, 14);
      local.writeUInt32LE(compressed, 18);
      local.writeUInt32LE(declared, 22);
      local.writeUInt16LE(name.byteLength, 26);
      local.writeUInt16LE(0, 28);
      write(local);
      write(name);
      if (e.zeros !== undefined) {
        const seg = zeroMiB();
        // Batches of segments keep the write calls few without holding more than a few MB.
        const batch = Buffer.concat(Array.from({ length: Math.min(segments, 256) }, () => seg));
        let left = segments;
        while (left > 0) {
          const n = Math.min(left, 256);
          write(n === 256 ? batch : batch.subarray(0, n * seg.byteLength));
          left -= n;
        }
        write(FINAL_BLOCK);
      } else write(body[0]);
      const cd = Buffer.alloc(46);
      cd.writeUInt32LE(0x02014b50, 0);
      cd.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode sits in the high 16 bits of the attributes
      cd.writeUInt16LE(20, 6);
      cd.writeUInt16LE(0x0800, 8);
      cd.writeUInt16LE(method, 10);
      cd.writeUInt16LE(0, 12);
      cd.writeUInt16LE(0x2821, 14);
      cd.writeUInt32LE(0, 16);
      cd.writeUInt32LE(compressed, 20);
      cd.writeUInt32LE(declared, 24);
      cd.writeUInt16LE(name.byteLength, 28);
      cd.writeUInt32LE((0o100644 << 16) >>> 0, 38);
      cd.writeUInt32LE(headerOffset, 42);
      central.push(cd, name);
    }
    const cdOffset = offset;
    for (const b of central) write(b);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(offset - cdOffset, 12);
    end.writeUInt32LE(cdOffset, 16);
    write(end);
  } finally {
    closeSync(fd);
  }
}

/** The manifest JSON this project writes, for entries of the given sizes and hashes. */
export function manifestOf(entries: Array<{ name: string; size: number; sha256: string }>): Uint8Array {
  return Buffer.from(JSON.stringify({ formatVersion: 1, entries }));
}
