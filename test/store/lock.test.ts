import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ExperimentLockedError } from '../../src/errors/index.js';
import { acquireLock, readLock } from '../../src/store/lock.js';
import { layout } from '../../src/store/layout.js';
import { tempDir } from '../helpers/temp.js';

describe('experiment lock', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('records pid, host and start time; a second writer is refused naming the holder; release frees it', async () => {
    const lock = await acquireLock(tmp.dir, 'first');
    expect(await readLock(tmp.dir)).toMatchObject({ pid: process.pid, host: hostname(), command: 'first' });
    await expect(acquireLock(tmp.dir, 'second')).rejects.toThrow(ExperimentLockedError);
    await expect(acquireLock(tmp.dir, 'second')).rejects.toThrow(new RegExp(`in use by first \\(pid ${process.pid} on ${hostname()}`));
    await lock.release();
    expect(existsSync(join(tmp.dir, layout.lock))).toBe(false);
    const again = await acquireLock(tmp.dir, 'third');
    expect(again.tookOver).toBeNull();
    await again.release();
  });

  test('a lock left by a dead process is taken over, and says whose it was', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid as number;
    const stale = { pid: dead, host: hostname(), startedAt: '2020-01-01T00:00:00.000Z', command: 'crashed run' };
    writeFileSync(join(tmp.dir, layout.lock), JSON.stringify(stale));
    const lock = await acquireLock(tmp.dir, 'new run');
    expect(lock.tookOver).toEqual(stale);
    expect((await readLock(tmp.dir))?.pid).toBe(process.pid);
    await lock.release();
  });

  test('a lock from another host is respected', async () => {
    writeFileSync(join(tmp.dir, layout.lock), JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: 'x', command: 'remote run' }));
    await expect(acquireLock(tmp.dir, 'local')).rejects.toThrow(/remote run \(pid 1 on elsewhere/);
  });
});
