import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { walkforwardSummarySchema, iterationRecordSchema } from '../../src/records/index.js';
import { runCli } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

describe('saves in the background: what the run reports', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('run.log, each iteration record and the summary report the blocked time of every save: training checkpoints and current bests', async () => {
    const exp = smallExperiment(tmp.dir, { windows: { train: 300, validation: 100, test: 100, maxIterations: 2 }, saving: { nModelSaves: 12 } });
    const id = 'bg';
    const r = await runCli(walkforwardArgs(exp, id, '--quiet', '--no-charts', '--workers', '1', '--log-level', 'debug'));
    expect(r.code).toBe(0);
    const root = join(exp.resultsDir, id);
    const lines = readFileSync(join(root, 'run.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The study's saves; the production model's (iteration 0) come after its summary.
    const saves = lines.filter((l) => l.event === 'checkpoint' && l.iteration !== 0);
    expect(lines.filter((l) => l.event === 'checkpoint' && l.iteration === 0).length).toBeGreaterThan(0);
    expect(saves.filter((s) => s.kind === 'training').length).toBeGreaterThan(2);
    expect(saves.filter((s) => s.kind === 'current_best').length).toBeGreaterThan(0);
    for (const s of saves) {
      expect(typeof s.msBlocked).toBe('number');
      expect(s.msBlocked as number).toBeLessThanOrEqual(s.msTotal as number);
    }
    const records = readdirSync(join(root, 'checkpoints'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => iterationRecordSchema.parse(JSON.parse(readFileSync(join(root, 'checkpoints', f), 'utf8'))));
    expect(records).toHaveLength(2);
    for (const record of records) {
      const blocked = record.training.performance.savesBlockedMs;
      const ofIteration = saves.filter((s) => s.iteration === record.iteration);
      expect(blocked?.count).toBe(ofIteration.length);
      expect(blocked?.max).toBeCloseTo(Math.max(...ofIteration.map((s) => s.msBlocked as number)), 1);
      expect(blocked?.share).toBeGreaterThanOrEqual(0);
      expect(blocked?.share).toBeLessThan(1);
      // The last training checkpoint commits behind the iteration's evaluation, but before its record does.
      const last = lines.findIndex(
        (l) => l.event === 'checkpoint' && l.kind === 'training' && l.iteration === record.iteration && l.step === record.training.timesteps,
      );
      const done = lines.findIndex((l) => l.event === 'iteration-done' && l.iteration === record.iteration);
      expect(last).toBeGreaterThanOrEqual(0);
      expect(last).toBeLessThan(done);
    }
    const summary = walkforwardSummarySchema.parse(JSON.parse(readFileSync(join(root, 'walkforward_summary.json'), 'utf8')));
    expect(summary.savesBlockedMs?.count).toBe(saves.length);
    // Whatever the index still lists was committed: no entry points at a missing file.
    const index = JSON.parse(readFileSync(join(root, 'checkpoint_index.json'), 'utf8')) as { entries: Array<{ path: string }> };
    for (const e of index.entries) expect(existsSync(join(root, e.path))).toBe(true);
  }, 60_000);
});
