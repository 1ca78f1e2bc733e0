import { ZipArchive } from 'archiver';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointCorruptError } from '../../src/errors/index.js';
import { buildZip, readZip, writeZip } from '../../src/store/zip-store.js';
import { sha256 } from '../../src/util/hash.js';
import { tempDir } from '../helpers/temp.js';

async function rawZip(entries: Array<{ name: string; data: string; mode?: number }>): Promise<Buffer> {
  const archive = new ZipArchive({});
  const chunks: Buffer[] = [];
  archive.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => archive.on('end', r));
  for (const e of entries) {
    if (e.mode === 0o120777) archive.symlink(e.name, e.data);
    else archive.append(e.data, { name: e.name });
  }
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

describe('zip store', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const entries = { 'a.json': Buffer.from('{"x":1}'), 'weights.bin': new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) };

  test('round-trips entries with a manifest, leaves no temporary file and gives identical bytes for identical content', async () => {
    const path = join(tmp.dir, 'ok.zip');
    const { sha256 } = await writeZip(path, entries);
    const read = await readZip(path);
    expect(Object.keys(read).sort()).toEqual(['a.json', 'manifest.json', 'weights.bin']);
    expect(new Uint8Array(read['weights.bin'])).toEqual(entries['weights.bin']);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const again = await writeZip(join(tmp.dir, 'ok2.zip'), entries);
    expect(again.sha256).toBe(sha256);
  });

  test.each([
    ['truncated', async (bytes: Buffer) => bytes.subarray(0, bytes.length - 30), /is not a readable zip/],
    ['not a zip at all', async () => Buffer.from('hello'), /is not a readable zip/],
    [
      'an entry changed after the manifest was written',
      async () => {
        const manifest = { formatVersion: 1, entries: [{ name: 'a.json', size: 7, sha256: sha256('{"x":1}') }] };
        return rawZip([
          { name: 'a.json', data: '{"x":2}' },
          { name: 'manifest.json', data: JSON.stringify(manifest) },
        ]);
      },
      /entry a\.json fails its sha256 check/,
    ],
    ['no manifest', async () => rawZip([{ name: 'a.json', data: '{}' }]), /has no manifest\.json/],
    [
      'an entry named with ..',
      async () => renamed(await rawZip([{ name: 'xx/evil.json', data: '{}' }]), 'xx/evil.json', '../evil.json'),
      /invalid relative path: \.\.\/evil\.json/,
    ],
    [
      'an absolute path',
      async () => renamed(await rawZip([{ name: 'xetc/evil', data: '{}' }]), 'xetc/evil', '/etc/evil'),
      /absolute path: \/etc\/evil/,
    ],
    ['a link', async () => rawZip([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]), /entry link is a link/],
  ])('%s is a CheckpointCorruptError naming the file', async (_name, make, message) => {
    const path = join(tmp.dir, 'bad.zip');
    const good = await buildZip(entries);
    writeFileSync(path, await make(good));
    await expect(readZip(path)).rejects.toThrow(CheckpointCorruptError);
    await expect(readZip(path)).rejects.toThrow(message);
    await expect(readZip(path)).rejects.toThrow(/bad\.zip/);
  });

  test('a missing required entry is named', async () => {
    const path = join(tmp.dir, 'partial.zip');
    await writeZip(path, { 'a.json': Buffer.from('{}') });
    await expect(readZip(path, ['a.json', 'weights.bin'])).rejects.toThrow(/entry weights\.bin is missing/);
  });

  test('an entry missing from the archive but listed in the manifest is named', async () => {
    const manifest = JSON.stringify({ formatVersion: 1, entries: [{ name: 'gone.bin', size: 3, sha256: 'a'.repeat(64) }] });
    const path = join(tmp.dir, 'gone.zip');
    writeFileSync(path, await rawZip([{ name: 'manifest.json', data: manifest }]));
    await expect(readZip(path)).rejects.toThrow(/entry gone\.bin is missing/);
  });
});

/** Archiver cleans unsafe names, so a hostile zip is made by rewriting an entry's name (same length) in both headers. */
function renamed(zip: Buffer, from: string, to: string): Buffer {
  const out = Buffer.from(zip);
  let at = out.indexOf(from);
  let count = 0;
  while (at >= 0) {
    out.write(to, at);
    count++;
    at = out.indexOf(from, at + 1);
  }
  if (count !== 2) throw new Error(`expected the name in the local and central headers, found it ${count} times`);
  return out;
}
