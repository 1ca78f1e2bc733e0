/**
 * Hostile and careless inputs, one table over the rows of every round (issue 13, issue 22): each case damages a copy
 * of one small finished experiment (or the command line, a Redis, a sweep file), runs the real command or library
 * function, and asserts the exit code, a message naming the file or value, no stack trace, that nothing outside the
 * results folder changed, that nothing was lost, and peak memory where it matters.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishedExperiment } from '../helpers/finished-experiment.js';
import { base, ID, makeCase, outsideFingerprint, sha, walk, type Row } from './harness.js';
import { issue13Rows } from './rows/issue-13.js';
import { issue22Rows } from './rows/issue-22.js';

const rounds: Array<{ issue: number; rows: Row[]; items: number }> = [
  { issue: 13, rows: issue13Rows, items: 10 },
  { issue: 22, rows: issue22Rows, items: 14 },
];
const rows = rounds.flatMap((r) => r.rows);
const guarded: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wfo-hostile-base-'));
  const exp = await finishedExperiment(dir, ID);
  Object.assign(base, { dir, results: exp.resultsDir, data: exp.data, config: exp.config });
  for (const f of walk(join(exp.resultsDir, ID))) if (/^(checkpoints\/|best_model|config\.json)/.test(f)) guarded.push(f);
}, 120_000);

afterAll(() => rmSync(base.dir, { recursive: true, force: true }));

describe('hostile and careless inputs', () => {
  test.each(rounds.map((r) => [r.issue, r] as const))('the table covers every numbered item of issue %i', (_issue, round) => {
    expect(new Set(round.rows.map((r) => r.item))).toEqual(new Set(Array.from({ length: round.items }, (_, i) => i + 1)));
    expect(round.rows.every((r) => r.issue === round.issue)).toBe(true);
  });

  test.each(rows.map((r) => [`${r.issue}.${r.item} ${r.name}`, r] as const))('%s', async (_name, row) => {
    const reason = row.skip?.();
    if (reason) {
      process.stdout.write(`skipped "${row.name}": ${reason}\n`);
      return;
    }
    const c = makeCase();
    try {
      await row.setup?.(c);
      const outside = outsideFingerprint(c.dir);
      const r = await row.run(c);
      const excerpt = row.message.test(r.out) ? 'names it' : r.out.slice(0, 3000);
      expect({ code: r.code, message: excerpt }).toEqual({ code: row.code, message: 'names it' });
      expect(r.out).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
      expect(outsideFingerprint(c.dir)).toEqual(outside);
      expect(existsSync(join(c.dir, 'evil_lib')) || existsSync(join(tmpdir(), 'evil_lib'))).toBe(false);
      for (const f of guarded) {
        if (row.mayChange?.some((p) => f.startsWith(p))) continue;
        expect([f, existsSync(c.at(f)) && sha(c.at(f))]).toEqual([f, sha(join(base.results, ID, f))]);
      }
      if (row.maxRssMiB !== undefined) {
        expect(typeof r.rssMiB).toBe('number');
        expect(r.rssMiB as number).toBeLessThan(row.maxRssMiB);
      }
      await row.check?.(c, r);
    } finally {
      for (const cleanup of c.cleanups.reverse()) await cleanup();
      spawnSync('chattr', ['-i', c.results]);
      chmodSync(c.dir, 0o755);
      rmSync(c.dir, { recursive: true, force: true });
    }
  });
});
