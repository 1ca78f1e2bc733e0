import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataHashes } from '../../src/cluster/job-check.js';
import { loadPriceSeries } from '../../src/data/load-series.js';
import { tempDir, writeFile } from '../helpers/temp.js';

describe('a worker hashes a job data the way the coordinator loaded it', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const options = { priceColumn: 'close', dateColumn: 'date', fillMissing: 'none' as const };

  test('a file, a folder of one file per instrument and a glob give the sha256 the load recorded; a change is seen', async () => {
    const folder = join(tmp.dir, 'instruments');
    mkdirSync(folder);
    const a = writeFile(folder, 'AAA.csv', 'date,close\n2020-01-01,1\n2020-01-02,2\n');
    writeFile(folder, 'BBB.csv', 'date,close\n2020-01-01,3\n2020-01-02,4\n');
    const hashes = new DataHashes();
    for (const path of [a, folder, join(folder, '*.csv')]) {
      const loaded = await loadPriceSeries({ ...options, path, symbol: 'AAA' });
      expect(await hashes.of(path, 'iteration 1 of e1')).toBe(loaded.sha256);
    }
    const before = await hashes.of(folder, 'iteration 1 of e1');
    writeFile(folder, 'BBB.csv', 'date,close\n2020-01-01,3\n2020-01-02,5\n');
    expect(await hashes.of(folder, 'iteration 1 of e1')).not.toBe(before);
  });
});
