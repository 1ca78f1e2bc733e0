import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CheckpointCorruptError } from '../../src/errors/index.js';
import { MAX_ENTRY_BYTES, MAX_MANIFEST_BYTES } from '../../src/store/zip-reader.js';
import { readZip, writeZip } from '../../src/store/zip-store.js';
import { sha256 } from '../../src/util/hash.js';
import { tempDir } from '../helpers/temp.js';
import { manifestOf, writeHostileZip, type HostileEntry } from './hostile-zip.js';

const MiB = 1 << 20;
const meta = { name: 'metadata.json', data: Buffer.from('{"formatVersion":1,"kind":"model"}') };
const listed = (e: { name: string; data: Buffer }) => ({ name: e.name, size: e.data.byteLength, sha256: sha256(e.data) });
const fake = (name: string, size: number) => ({ name, size, sha256: 'a'.repeat(64) });

/** A model-like zip: metadata, one hostile weights entry and a manifest saying what `says` gives for it. */
function bomb(weights: HostileEntry, says: { size: number }): HostileEntry[] {
  return [meta, weights, { name: 'manifest.json', data: manifestOf([listed(meta), fake('weights.bin', says.size)]) }];
}

/** Reads the zip in a child process: the error it gives, how long the read took and the child's peak RSS. */
function readInChild(path: string): { name: string | null; message: string | null; seconds: number; maxRssMiB: number } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join('test', 'store', 'measure-read.ts'), path], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`probe failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string);
}

/** What a child that reads a tiny valid zip peaks at: node, tsx and the reader, with nothing inflated. */
let baselineMiB = 0;

describe('zip bombs fail fast, in bounded memory', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  beforeAll(async () => {
    const path = join(tmp.dir, 'fine.zip');
    await writeZip(path, { 'metadata.json': meta.data, 'weights.bin': new Uint8Array(64) });
    const fine = readInChild(path);
    expect(fine.message).toBeNull();
    baselineMiB = fine.maxRssMiB;
  });

  // Inflating any of these would take 2-3 GiB of memory and tens of seconds (measured before the fix: a 3 GiB
  // entry took 28-40 s and 6.4 GB RSS), so a peak within 64 MiB of a clean read shows nothing was inflated.
  test.each([
    [
      'declares 3 GiB, the manifest says 8 bytes',
      bomb({ name: 'weights.bin', zeros: 3072 * MiB }, { size: 8 }),
      /entry weights\.bin has 3221225472 bytes in the zip's directory, the manifest says 8/,
    ],
    [
      '3 GiB, and the manifest agrees',
      bomb({ name: 'weights.bin', zeros: 3072 * MiB }, { size: 3072 * MiB }),
      new RegExp(`entry weights\\.bin declares 3221225472 bytes; the limit is ${MAX_ENTRY_BYTES}`),
    ],
    [
      '2 MB that inflate to 2 GB, the manifest agrees',
      bomb({ name: 'weights.bin', zeros: 2000 * MiB }, { size: 2000 * MiB }),
      /entry weights\.bin would inflate \d+ bytes to 2097152000 \(\d+:1, more than 100:1\); refused as a zip bomb/,
    ],
    [
      'a directory that under-declares 2 GB as 8 bytes',
      bomb({ name: 'weights.bin', zeros: 2000 * MiB, declaredSize: 8 }, { size: 8 }),
      /entry weights\.bin inflates to more than the 8 bytes the zip's directory declares/,
    ],
    [
      'a manifest of 2 GB',
      [meta, { name: 'manifest.json', zeros: 2000 * MiB }],
      new RegExp(`entry manifest\\.json declares 2097152000 bytes; the limit is ${MAX_MANIFEST_BYTES}`),
    ],
  ])('%s: a CheckpointCorruptError naming file and entry, under 2 s', (_name, entries, message) => {
    const path = join(tmp.dir, 'bomb.zip');
    writeHostileZip(path, entries);
    const result = readInChild(path);
    expect(result.name).toBe('CheckpointCorruptError');
    expect(result.message).toMatch(message);
    expect(result.message).toContain('bomb.zip');
    expect(result.seconds).toBeLessThan(2);
    expect(result.maxRssMiB - baselineMiB).toBeLessThan(64);
  });

  test.each([
    [
      'a stored entry whose sizes disagree',
      [meta, { name: 'weights.bin', data: Buffer.alloc(8), store: true, declaredSize: 16 }],
      16,
      /entry weights\.bin is stored with 8 bytes but declares 16/,
    ],
    [
      'an entry that inflates to less than declared',
      [meta, { name: 'weights.bin', data: Buffer.alloc(8), declaredSize: 16 }],
      16,
      /entry weights\.bin inflates to 8 bytes; the zip's directory declares 16/,
    ],
  ])('%s is named', async (_name, entries, says, message) => {
    const path = join(tmp.dir, 'liar.zip');
    writeHostileZip(path, [...(entries as HostileEntry[]), { name: 'manifest.json', data: manifestOf([listed(meta), fake('weights.bin', says)]) }]);
    await expect(readZip(path)).rejects.toThrow(CheckpointCorruptError);
    await expect(readZip(path)).rejects.toThrow(message);
  });

  test('a real zip written by hand reads back, so the hostile ones fail for what they lie about', async () => {
    const weights = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
    const path = join(tmp.dir, 'honest.zip');
    const data = { name: 'weights.bin', data: weights };
    writeHostileZip(path, [meta, data, { name: 'manifest.json', data: manifestOf([listed(meta), listed(data)]) }]);
    const read = await readZip(path);
    expect(read['weights.bin'].equals(weights)).toBe(true);
  });

  test('keep holds only the named entries but still verifies every hash', async () => {
    const path = join(tmp.dir, 'keep.zip');
    await writeZip(path, { 'metadata.json': meta.data, 'weights.bin': new Uint8Array(1024).fill(7) });
    const read = await readZip(path, ['metadata.json'], { keep: ['metadata.json'] });
    expect(Object.keys(read).sort()).toEqual(['manifest.json', 'metadata.json']);
    const tampered = join(tmp.dir, 'keep-bad.zip');
    writeHostileZip(tampered, [
      meta,
      { name: 'weights.bin', data: Buffer.alloc(1024) },
      { name: 'manifest.json', data: manifestOf([listed(meta), fake('weights.bin', 1024)]) },
    ]);
    await expect(readZip(tampered, ['metadata.json'], { keep: ['metadata.json'] })).rejects.toThrow(/entry weights\.bin fails its sha256 check/);
  });
});
