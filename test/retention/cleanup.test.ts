import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { listCheckpoints } from '../../src/inspect/listing.js';
import { readZip } from '../../src/store/zip-store.js';
import { verifyExperiment } from '../../src/inspect/verify.js';
import { UsageError } from '../../src/errors/index.js';
import { ExperimentLockedError } from '../../src/errors/index.js';
import { cleanupCheckpoints } from '../../src/retention/cleanup.js';
import { finishedExperiment } from '../helpers/finished-experiment.js';
import { tempDir } from '../helpers/temp.js';

describe('cleanupCheckpoints on a real experiment', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  let source: string;
  let best: number;
  let copyNo = 0;
  /** A private copy of the finished experiment for each test. */
  const fresh = () => {
    const dir = join(tmp.dir, `copy-${++copyNo}`);
    cpSync(source, dir, { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    const exp = await finishedExperiment(tmp.dir);
    source = exp.paths.root;
    best = exp.summary.bestIteration as number;
    expect(exp.summary.qualified).toBe(4);
  });

  test('a dry run prints the plan and the bytes it would free, and changes nothing', async () => {
    const dir = fresh();
    const before = readdirSync(join(dir, 'checkpoints')).sort();
    const r = await cleanupCheckpoints(dir, { keepEvery: 2, dryRun: true, keepBest: false });
    expect(r.plan.map((p) => [p.iteration, p.keep])).toEqual([
      [1, false],
      [2, true],
      [3, false],
      [4, true],
    ]);
    expect(r.bytesFreed).toBe(r.plan.filter((p) => !p.keep).reduce((n, p) => n + p.size, 0));
    expect(r.bytesFreed).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(before);
    expect(existsSync(r.journal)).toBe(false);
  });

  test('removes only what no rule keeps; never best_model.zip, the newest model or any record; index first, journal of every removal', async () => {
    const dir = fresh();
    const r = await cleanupCheckpoints(dir, { keepEvery: 3, keepLast: 1 });
    const expectedKept = new Set([3, 4, best]);
    expect(r.removed.map((x) => x.iteration).sort()).toEqual([1, 2, 3, 4].filter((n) => !expectedKept.has(n)));
    for (const n of [1, 2, 3, 4]) {
      expect(existsSync(join(dir, 'checkpoints', `model_iter_${n}.zip`))).toBe(expectedKept.has(n));
      expect(existsSync(join(dir, 'checkpoints', `metrics_iter_${n}.json`))).toBe(true);
    }
    expect(existsSync(join(dir, 'best_model.zip'))).toBe(true);
    const journal = readFileSync(r.journal, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((j) => j.file);
    expect(journal.map((j) => j.file)).toEqual(r.removed.map((x) => x.file));
    for (const j of journal) {
      expect(j).toMatchObject({ action: 'deleted', rule: expect.stringContaining('keepEvery(3)') });
      expect(j.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(j.size).toBeGreaterThan(0);
    }
    expect((await verifyExperiment(dir, 'managed')).problems).toEqual([]);
    const list = await listCheckpoints(dir);
    for (const row of list.rows) {
      expect(row.status).toBe(expectedKept.has(row.iteration) ? 'model' : 'pruned');
      expect(row.testSharpe === null || Number.isFinite(row.testSharpe)).toBe(true);
    }
    expect(list.footer.pruned).toBe(r.removed.length);
  });

  test('--archive moves the pruned zips into archive/pruned-<time>.zip, byte for byte, and the listing says where', async () => {
    const dir = fresh();
    const originals = Object.fromEntries([1, 2, 3, 4].map((n) => [n, readFileSync(join(dir, 'checkpoints', `model_iter_${n}.zip`))]));
    const r = await cleanupCheckpoints(dir, { keepLast: 1, keepBest: false, archive: true, now: () => new Date('2026-01-02T03:04:05Z') });
    expect(r.archive).toBe('archive/pruned-2026-01-02T03-04-05-000Z.zip');
    const entries = await readZip(join(dir, r.archive as string));
    for (const row of r.removed) expect(entries[`model_iter_${row.iteration}.zip`]).toEqual(originals[row.iteration]);
    const list = await listCheckpoints(dir);
    expect(list.rows.filter((x) => x.status === 'pruned').map((x) => x.archivedIn)).toEqual(r.removed.map(() => r.archive));
    expect((await verifyExperiment(dir, 'managed')).problems).toEqual([]);
  });

  test('a model whose bytes no longer match the index is not the pipeline’s file and is left alone', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'checkpoints', 'model_iter_1.zip'), 'user replaced this file');
    const r = await cleanupCheckpoints(dir, { keepLast: 1, keepBest: false });
    expect(r.removed.map((x) => x.iteration)).not.toContain(1);
    expect(readFileSync(join(dir, 'checkpoints', 'model_iter_1.zip'), 'utf8')).toBe('user replaced this file');
  });

  test('refuses to touch an experiment another live process holds, naming it', async () => {
    const dir = fresh();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(
        join(dir, '.lock'),
        JSON.stringify({ pid: holder.pid, host: hostname(), startedAt: 'now', command: 'wfo walkforward --experiment managed' }),
      );
      await expect(cleanupCheckpoints(dir, { keepLast: 1 })).rejects.toThrow(ExperimentLockedError);
      await expect(cleanupCheckpoints(dir, { keepLast: 1 })).rejects.toThrow(new RegExp(`pid ${holder.pid}`));
      expect(readdirSync(join(dir, 'checkpoints')).filter((f) => f.endsWith('.zip'))).toHaveLength(4);
    } finally {
      holder.kill();
    }
  });

  test.each([
    [{}, /needs --keep-every N and\/or --keep-last N/],
    [{ keepLast: 0 }, /--keep-last: got 0; expected a whole number >= 1/],
    [{ keepEvery: 2.5 }, /--keep-every: got 2\.5/],
  ])('bad options %j are a usage error', async (options, message) => {
    await expect(cleanupCheckpoints(fresh(), options)).rejects.toThrow(UsageError);
    await expect(cleanupCheckpoints(fresh(), options)).rejects.toThrow(message);
  });
});
