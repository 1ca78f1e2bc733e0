import { ZipArchive } from 'archiver';
import { readFile } from 'node:fs/promises';
import yauzl from 'yauzl';
import { sha256 } from '../util/hash.js';
import { writeFileAtomic } from './atomic-file.js';
import { CheckpointCorruptError } from '../errors/index.js';

export const MANIFEST_ENTRY = 'manifest.json';
export const METADATA_ENTRY = 'metadata.json';
export const MANIFEST_FORMAT_VERSION = 1;

export interface ManifestEntry {
  name: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  formatVersion: number;
  entries: ManifestEntry[];
}

/** Fixed entry dates make identical content give identical zip bytes (and hashes). */
const ENTRY_DATE = new Date('2000-01-01T00:00:00Z');

/** Builds a zip of the entries plus a manifest of their sizes and sha256, in memory. */
export async function buildZip(entries: Record<string, Uint8Array>, options: { store?: boolean } = {}): Promise<Buffer> {
  const manifest: Manifest = {
    formatVersion: MANIFEST_FORMAT_VERSION,
    entries: Object.entries(entries).map(([name, data]) => ({ name, size: data.byteLength, sha256: sha256(data) })),
  };
  const archive = new ZipArchive(options.store ? { store: true } : { zlib: { level: 1 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  for (const [name, data] of Object.entries(entries)) archive.append(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { name, date: ENTRY_DATE });
  archive.append(JSON.stringify(manifest, null, 1), { name: MANIFEST_ENTRY, date: ENTRY_DATE });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Writes a zip atomically (temporary name, fsync, rename, fsync folder); returns its bytes' sha256 and size. */
export async function writeZip(path: string, entries: Record<string, Uint8Array>, options: { store?: boolean } = {}): Promise<{ sha256: string; size: number }> {
  const bytes = await buildZip(entries, options);
  await writeFileAtomic(path, bytes);
  return { sha256: sha256(bytes), size: bytes.byteLength };
}

/**
 * Reads every entry of a zip and verifies it against its manifest. A truncated file, an entry named with '..',
 * an absolute path or a link, a missing or extra entry, a size or hash mismatch: each is a CheckpointCorruptError
 * naming the file and the entry.
 */
export async function readZip(path: string, required: string[] = []): Promise<Record<string, Buffer>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new CheckpointCorruptError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const entries = await unzip(path, bytes);
  const manifestBytes = entries[MANIFEST_ENTRY];
  if (!manifestBytes) throw new CheckpointCorruptError(path, `has no ${MANIFEST_ENTRY}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
  } catch {
    throw new CheckpointCorruptError(path, `${MANIFEST_ENTRY} is not valid JSON`);
  }
  const listed = new Set(manifest.entries.map((e) => e.name));
  for (const name of Object.keys(entries)) {
    if (name !== MANIFEST_ENTRY && !listed.has(name)) throw new CheckpointCorruptError(path, `entry ${name} is not in the manifest`);
  }
  for (const e of manifest.entries) {
    const data = entries[e.name];
    if (!data) throw new CheckpointCorruptError(path, `entry ${e.name} is missing`);
    if (data.byteLength !== e.size) throw new CheckpointCorruptError(path, `entry ${e.name} has ${data.byteLength} bytes, the manifest says ${e.size}`);
    if (sha256(data) !== e.sha256) throw new CheckpointCorruptError(path, `entry ${e.name} fails its sha256 check`);
  }
  for (const name of required) if (!entries[name]) throw new CheckpointCorruptError(path, `entry ${name} is missing`);
  return entries;
}

function unzip(path: string, bytes: Buffer): Promise<Record<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const fail = (message: string) => reject(new CheckpointCorruptError(path, message));
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (err, zip) => {
      if (err || !zip) return fail(`is not a readable zip (${err?.message ?? 'unknown error'})`);
      const out: Record<string, Buffer> = {};
      zip.on('error', (e: Error) => fail(`is damaged (${e.message})`));
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        if (mode === 0o120000) return fail(`entry ${name} is a link; links are refused`);
        if (name.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) return fail(`entry ${name} cannot be read (${streamErr?.message})`);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (e: Error) => fail(`entry ${name} is damaged (${e.message})`));
          stream.on('end', () => {
            out[name] = Buffer.concat(chunks);
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
