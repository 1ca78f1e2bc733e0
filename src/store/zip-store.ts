import { ZipArchive } from 'archiver';
import { sha256 } from '../util/hash.js';
import { writeFileAtomic } from './atomic-file.js';
import { CheckpointCorruptError } from '../errors/index.js';
import { MAX_MANIFEST_BYTES, MAX_TOTAL_BYTES, openZip, sizeProblem, type DirectoryEntry, type OpenZip } from './zip-reader.js';

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
  for (const [name, data] of Object.entries(entries))
    archive.append(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { name, date: ENTRY_DATE });
  archive.append(JSON.stringify(manifest, null, 1), { name: MANIFEST_ENTRY, date: ENTRY_DATE });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Writes a zip atomically (temporary name, fsync, rename, fsync folder); returns its bytes' sha256 and size. */
export async function writeZip(
  path: string,
  entries: Record<string, Uint8Array>,
  options: { store?: boolean } = {},
): Promise<{ sha256: string; size: number }> {
  const bytes = await buildZip(entries, options);
  await writeFileAtomic(path, bytes);
  return { sha256: sha256(bytes), size: bytes.byteLength };
}

/**
 * Reads every entry of a zip and verifies it against its manifest. A truncated file, an entry named with '..',
 * an absolute path or a link, a missing or extra entry, a size or hash mismatch: each is a CheckpointCorruptError
 * naming the file and the entry.
 *
 * Hostile files fail before they cost memory: the manifest is read first (at most MAX_MANIFEST_BYTES), and every
 * entry's declared size is checked against the manifest, the per-entry and total limits and the deflate ratio
 * before anything else is inflated; each entry then inflates as a stream, hashed as it goes, into at most its
 * declared size, and a directory that under-declares stops at the first byte too many. Entries outside `keep`
 * (default: all) are verified the same way but not held.
 */
export async function readZip(path: string, required: string[] = [], options: { keep?: readonly string[] } = {}): Promise<Record<string, Buffer>> {
  const zip = await openZip(path);
  try {
    const manifest = await readManifest(path, zip);
    const listed = new Map(manifest.entries.map((e) => [e.name, e]));
    for (const name of zip.entries.keys()) {
      if (name !== MANIFEST_ENTRY && !listed.has(name)) throw new CheckpointCorruptError(path, `entry ${name} is not in the manifest`);
    }
    let total = 0;
    for (const e of manifest.entries) {
      const found = zip.entries.get(e.name);
      if (!found) throw new CheckpointCorruptError(path, `entry ${e.name} is missing`);
      if (found.declaredSize !== e.size) {
        throw new CheckpointCorruptError(path, `entry ${e.name} has ${found.declaredSize} bytes in the zip's directory, the manifest says ${e.size}`);
      }
      const problem = sizeProblem(found);
      if (problem) throw new CheckpointCorruptError(path, problem);
      total += found.declaredSize;
      if (total > MAX_TOTAL_BYTES) throw new CheckpointCorruptError(path, `entries declare more than ${MAX_TOTAL_BYTES} bytes in all; refused`);
    }
    for (const name of required) if (!zip.entries.has(name)) throw new CheckpointCorruptError(path, `entry ${name} is missing`);
    const keep = options.keep ? new Set([...options.keep, ...required]) : null;
    const out: Record<string, Buffer> = { [MANIFEST_ENTRY]: manifest.bytes };
    for (const e of manifest.entries) {
      const { data, sha256: digest } = await zip.read(zip.entries.get(e.name) as DirectoryEntry, !keep || keep.has(e.name));
      if (digest !== e.sha256) throw new CheckpointCorruptError(path, `entry ${e.name} fails its sha256 check`);
      if (data) out[e.name] = data;
    }
    return out;
  } finally {
    zip.close();
  }
}

async function readManifest(path: string, zip: OpenZip): Promise<Manifest & { bytes: Buffer }> {
  const entry = zip.entries.get(MANIFEST_ENTRY);
  if (!entry) throw new CheckpointCorruptError(path, `has no ${MANIFEST_ENTRY}`);
  const problem = sizeProblem(entry, MAX_MANIFEST_BYTES);
  if (problem) throw new CheckpointCorruptError(path, problem);
  const { data } = await zip.read(entry, true);
  const bytes = data as Buffer;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  } catch {
    throw new CheckpointCorruptError(path, `${MANIFEST_ENTRY} is not valid JSON`);
  }
  const valid =
    manifest !== null &&
    typeof manifest === 'object' &&
    Array.isArray(manifest.entries) &&
    manifest.entries.every((e) => e && typeof e.name === 'string' && Number.isSafeInteger(e.size) && e.size >= 0 && typeof e.sha256 === 'string');
  if (!valid) throw new CheckpointCorruptError(path, `${MANIFEST_ENTRY} does not list entries as { name, size, sha256 }`);
  return { ...manifest, bytes };
}
