import { createHash } from 'node:crypto';
import yauzl from 'yauzl';
import { CheckpointCorruptError } from '../errors/index.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** The manifest lists names, sizes and hashes of about a dozen entries: a few KB. Anything near this is not ours. */
export const MAX_MANIFEST_BYTES = 1 * MiB;

/**
 * The largest zip this project writes is a training checkpoint whose agent keeps its experience (training-store.ts,
 * stored, not deflated; for DQN the two observation arrays of its buffer, capacity x obsDim x 4 bytes each, with
 * everything else small beside them). buildZip holds the whole zip in one Buffer, and a Buffer holds at most 4 GiB
 * on Node 20 (buffer.constants.MAX_LENGTH), so no file we write holds more than 4 GiB in all, and since the two
 * largest entries are equal, no single entry passes half of that.
 */
export const MAX_TOTAL_BYTES = 4 * GiB;
export const MAX_ENTRY_BYTES = 2 * GiB;

/** Our zips hold about a dozen entries (model, metadata, manifest, optimizer state, the agent's arrays). */
export const MAX_ENTRIES = 1000;

/**
 * Deflate cannot do better than about 1032:1, reached only on runs of one byte. What we deflate (JSON, float32
 * weights) shrinks a few times at most and an agent's arrays are stored, so an entry past the grace size that claims
 * more than this ratio is a zip bomb (Apache POI's ZipSecureFile refuses ratios past 100:1 the same way).
 */
export const MAX_DEFLATE_RATIO = 100;
export const RATIO_GRACE_BYTES = 16 * MiB;

/** An entry as the central directory describes it, before anything is inflated. */
export interface DirectoryEntry {
  name: string;
  compressedSize: number;
  /** What the central directory declares; the reader never produces more. */
  declaredSize: number;
  raw: yauzl.Entry;
}

export interface OpenZip {
  entries: Map<string, DirectoryEntry>;
  /**
   * Inflates one entry as a stream, hashing as it goes, into a buffer of the declared size (or nowhere when
   * keep is false); stops the moment the entry produces more bytes than declared.
   */
  read(entry: DirectoryEntry, keep: boolean): Promise<{ data: Buffer | null; sha256: string }>;
  close(): void;
}

/** Opens a zip and reads its central directory only: names, sizes, links; no entry is inflated. */
export async function openZip(path: string): Promise<OpenZip> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: false, strictFileNames: true }, (err, z) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (err && code && code !== 'EISDIR') return reject(new CheckpointCorruptError(path, `cannot be read (${code})`));
      if (err || !z) return reject(new CheckpointCorruptError(path, `is not a readable zip (${err?.message ?? 'unknown error'})`));
      resolve(z);
    });
  });
  try {
    if (zip.entryCount > MAX_ENTRIES)
      throw new CheckpointCorruptError(path, `has ${zip.entryCount} entries; a checkpoint has at most ${MAX_ENTRIES}`);
    const entries = await listEntries(path, zip);
    return { entries, read: (entry, keep) => inflate(path, zip, entry, keep), close: () => zip.close() };
  } catch (err) {
    zip.close();
    throw err;
  }
}

function listEntries(path: string, zip: yauzl.ZipFile): Promise<Map<string, DirectoryEntry>> {
  return new Promise((resolve, reject) => {
    const fail = (message: string) => reject(new CheckpointCorruptError(path, message));
    const out = new Map<string, DirectoryEntry>();
    zip.on('error', (e: Error) => fail(`is damaged (${e.message})`));
    zip.on('end', () => resolve(out));
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
      if (mode === 0o120000) return fail(`entry ${name} is a link; links are refused`);
      if (!name.endsWith('/')) {
        if (out.has(name)) return fail(`entry ${name} appears twice`);
        if (entry.isEncrypted()) return fail(`entry ${name} is encrypted`);
        if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
          return fail(`entry ${name} uses compression method ${entry.compressionMethod}; only stored and deflated entries are read`);
        }
        if (entry.compressionMethod === 0 && entry.compressedSize !== entry.uncompressedSize) {
          return fail(`entry ${name} is stored with ${entry.compressedSize} bytes but declares ${entry.uncompressedSize}`);
        }
        out.set(name, { name, compressedSize: entry.compressedSize, declaredSize: entry.uncompressedSize, raw: entry });
      }
      zip.readEntry();
    });
    zip.readEntry();
  });
}

/** The problem with an entry's declared size against the hard limits and the deflate ratio, or null. */
export function sizeProblem(entry: Pick<DirectoryEntry, 'name' | 'compressedSize' | 'declaredSize'>, limit = MAX_ENTRY_BYTES): string | null {
  const { name, compressedSize, declaredSize } = entry;
  if (declaredSize > limit) return `entry ${name} declares ${declaredSize} bytes; the limit is ${limit}`;
  if (declaredSize > RATIO_GRACE_BYTES && declaredSize > Math.max(compressedSize, 1) * MAX_DEFLATE_RATIO) {
    const ratio = Math.round(declaredSize / Math.max(compressedSize, 1));
    return `entry ${name} would inflate ${compressedSize} bytes to ${declaredSize} (${ratio}:1, more than ${MAX_DEFLATE_RATIO}:1); refused as a zip bomb`;
  }
  return null;
}

function inflate(path: string, zip: yauzl.ZipFile, entry: DirectoryEntry, keep: boolean): Promise<{ data: Buffer | null; sha256: string }> {
  return new Promise((resolve, reject) => {
    const { name, declaredSize } = entry;
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      reject(new CheckpointCorruptError(path, message));
    };
    zip.openReadStream(entry.raw, (streamErr, stream) => {
      if (streamErr || !stream) return fail(`entry ${name} cannot be read (${streamErr?.message})`);
      // allocUnsafe does not touch the pages, so memory grows with what is written, never past the declared size.
      const data = keep ? Buffer.allocUnsafe(declaredSize) : null;
      const hash = createHash('sha256');
      let produced = 0;
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (produced + chunk.byteLength > declaredSize) {
          stream.destroy();
          return fail(`entry ${name} inflates to more than the ${declaredSize} bytes the zip's directory declares`);
        }
        hash.update(chunk);
        data?.set(chunk, produced);
        produced += chunk.byteLength;
      });
      stream.on('error', (e: Error) => fail(`entry ${name} is damaged (${e.message})`));
      stream.on('end', () => {
        if (produced !== declaredSize) return fail(`entry ${name} inflates to ${produced} bytes; the zip's directory declares ${declaredSize}`);
        if (settled) return;
        settled = true;
        resolve({ data, sha256: hash.digest('hex') });
      });
    });
  });
}
