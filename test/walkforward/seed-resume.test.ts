import { algorithms } from '../../src/agent/registry.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/errors/index.js';
import { readRunLog } from '../../src/logging/run-log.js';
import { verifyExperiment } from '../../src/inspect/verify.js';
import { writeZip } from '../../src/store/zip-store.js';
import { explicitResumePoint } from '../../src/walkforward/seed/index.js';
import { trainingMetadata } from '../helpers/metadata.js';
import { collect, runCli, startCli, waitForOutput } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

/** What must match an uninterrupted run: every record's metrics and selection, and the stitched returns. */
function outcome(root: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const file of readdirSync(join(root, 'checkpoints'))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const r = JSON.parse(readFileSync(join(root, 'checkpoints', file), 'utf8'));
    out[file] = { metrics: r.metrics, selection: r.selection, outOfSample: r.outOfSample };
  }
  out['oos_returns.csv'] = readFileSync(join(root, 'oos_returns.csv'), 'utf8');
  return out;
}

describe('seeds are units of resume', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('a SIGKILL during seed 1 resumes seed 1 from its checkpoint, keeps seed 0 as committed, and ends as an uninterrupted run', async () => {
    const exp = smallExperiment(tmp.dir, { saving: { nModelSaves: 60 } });
    const args = (id: string) =>
      walkforwardArgs(exp, id, '--quiet', '--no-charts', '--workers', '1', '--set', 'training.seeds=2', '--set', 'selection.ensemble=vote');
    const reference = await runCli(args('uninterrupted'));
    expect({ code: reference.code, stderr: reference.stderr }).toEqual({ code: 0, stderr: '' });

    const child = startCli(args('crashed'), { env: { WFO_TRACE: '1' } });
    const closed = collect(child);
    // Seed 1 of iteration 2, past the middle of its training: seed 0 of the iteration is committed by then.
    await waitForOutput(child, /trace phase=checkpoint-write iteration=2 step=(6\d\d|[7-9]\d\d) file=\S+ seed=1$/);
    await new Promise((r) => setTimeout(r, 40));
    child.kill('SIGKILL');
    expect((await closed).signal).toBe('SIGKILL');

    const root = join(exp.resultsDir, 'crashed');
    const final = await runCli(args('crashed'));
    expect({ code: final.code, stderr: final.stderr }).toEqual({ code: 0, stderr: '' });
    expect(outcome(root)).toEqual(outcome(join(exp.resultsDir, 'uninterrupted')));

    const lines = await readRunLog(join(root, 'run.log'));
    const restart = lines.map((l) => l.event).lastIndexOf('run-start');
    const after = lines.slice(restart);
    const seedDone = (seed: number) => after.find((l) => l.event === 'seed-done' && l.iteration === 2 && l.seed === seed);
    expect(seedDone(0)?.reused).toBe(true);
    expect(seedDone(1)?.reused).toBe(false);
    expect(after.find((l) => l.event === 'resume' && l.iteration === 2)).toMatchObject({ seed: 1 });
    // Seed 0 of iteration 2 was not trained again: no evaluation of iteration 2 ran before seed 1's resume.
    const resumeAt = after.findIndex((l) => l.event === 'resume' && l.iteration === 2);
    expect(after.slice(0, resumeAt).filter((l) => l.event === 'evaluation' && l.iteration === 2)).toEqual([]);
    expect((await verifyExperiment(root, 'crashed')).ok).toBe(true);
  }, 180_000);

  test('--resume refuses a checkpoint of seed 1 or later, saying how those seeds resume', async () => {
    const file = join(tmp.dir, 'seed1.zip');
    await writeZip(file, {
      'metadata.json': Buffer.from(JSON.stringify({ ...trainingMetadata(300, 9), seed: 1 })),
      'state.json': Buffer.from(JSON.stringify({ formatVersion: 2, json: {}, arrays: {} })),
    });
    const refused = explicitResumePoint(file, algorithms.dqn);
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(/training seed 1; --resume takes seed 0's/);
  });
});
