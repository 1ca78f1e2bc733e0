import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyExperiment } from '../../src/inspect/verify.js';
import { walkforwardSummarySchema } from '../../src/records/index.js';
import { collect, runCli, startCli, waitForOutput } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { resultsFingerprint } from '../helpers/fingerprint.js';
import { tempDir } from '../helpers/temp.js';

describe('resume, signals, one writer, failed saves (real CLI)', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const overrides = {
    windows: { train: 300, validation: 100, test: 100, maxIterations: 2 },
    saving: { nModelSaves: 12 },
  };
  let exp: ReturnType<typeof smallExperiment>;
  let reference: Record<string, unknown>;
  const args = (id: string, ...more: string[]) => walkforwardArgs(exp, id, '--quiet', '--workers', '1', '--no-charts', ...more);
  const root = (id: string) => join(exp.resultsDir, id);

  beforeAll(async () => {
    exp = smallExperiment(tmp.dir, overrides);
    const r = await runCli(args('reference'));
    expect(r.code).toBe(0);
    reference = await resultsFingerprint(root('reference'));
  });

  test('SIGINT saves state and exits 130; the same command resumes and ends equal to an uninterrupted run', async () => {
    const child = startCli(args('sigint'), { env: { WFO_TRACE: '1' } });
    const done = collect(child);
    await waitForOutput(child, /trace phase=evaluation iteration=1 step=900/);
    child.kill('SIGINT');
    const first = await done;
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/interrupted by SIGINT at iteration 1, step \d+: state saved/);
    expect(existsSync(join(root('sigint'), '.lock'))).toBe(false);
    const second = await runCli(args('sigint').filter((a) => a !== '--quiet'));
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/iteration 1: resuming from .*model_step_\d{7}\.zip \(step \d+ of 1200\)/);
    expect(second.stdout).toMatch(/first new training step \d+ ms after the process started/);
    expect(await resultsFingerprint(root('sigint'))).toEqual(reference);
    expect((await verifyExperiment(root('sigint'), 'sigint')).problems).toEqual([]);
  });

  test('SIGTERM stops the same way with exit 143; a second SIGINT exits at once and the experiment stays resumable', async () => {
    const term = startCli(args('signals'), { env: { WFO_TRACE: '1' } });
    const termDone = collect(term);
    await waitForOutput(term, /trace phase=evaluation iteration=1 step=300/);
    term.kill('SIGTERM');
    expect((await termDone).code).toBe(143);

    const twice = startCli(args('signals'), { env: { WFO_TRACE: '1' } });
    const twiceDone = collect(twice);
    await waitForOutput(twice, /trace phase=training iteration=1/);
    twice.kill('SIGINT');
    await waitForOutput(twice, /SIGINT: stopping at the next safe point/);
    twice.kill('SIGINT');
    const r = await twiceDone;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT again: exiting now/);
    const resumed = await runCli(args('signals'));
    expect(resumed.code).toBe(0);
    expect(await resultsFingerprint(root('signals'))).toEqual(reference);
  });

  test('--resume continues from a named training checkpoint', async () => {
    const child = startCli(args('named'), { env: { WFO_TRACE: '1' } });
    const done = collect(child);
    await waitForOutput(child, /trace phase=evaluation iteration=1 step=600/);
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    const folder = join(root('named'), 'iterations', 'iter_1', 'training');
    const oldest = readdirSync(folder).sort()[0];
    const r = await runCli(['walkforward', '--experiment', 'named', '--config', exp.configFile, '--no-charts', '--resume', join(folder, oldest)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`resuming from ${join(folder, oldest)}`);
    expect(await resultsFingerprint(root('named'))).toEqual(reference);
  });

  test('a second run of a running experiment is refused with exit 1, naming the holder', async () => {
    // Held at its first training checkpoint until told to stop, so the second run meets it running on any machine.
    const child = startCli(args('busy'), { env: { WFO_TRACE: '1', WFO_HOLD: 'training-checkpoint' } });
    const done = collect(child);
    await waitForOutput(child, /trace phase=training iteration=1/);
    const second = await runCli(args('busy'));
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`is in use by wfo walkforward --experiment busy \\(pid ${child.pid} on `));
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    expect((await runCli(args('busy'))).code).toBe(0);
    expect(await resultsFingerprint(root('busy'))).toEqual(reference);
  });

  test('a changed config is refused with the list of changes; --force resumes and is recorded; --fresh moves the old folder aside', async () => {
    expect((await runCli(args('changed'))).code).toBe(0);
    const changedConfig = join(tmp.dir, 'changed.json');
    const base = JSON.parse(readFileSync(exp.configFile, 'utf8'));
    writeFileSync(changedConfig, JSON.stringify({ ...base, env: { ...base.env, costBps: 5 } }));
    const cli = (...more: string[]) =>
      runCli(['walkforward', '--experiment', 'changed', '--config', changedConfig, '--quiet', '--no-charts', '--workers', '1', ...more]);
    const refused = await cli();
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/env\.costBps: 10 -> 5/);
    expect(refused.stderr).toMatch(/--force/);
    const forced = await cli('--force');
    expect(forced.code).toBe(0);
    const summary = walkforwardSummarySchema.parse(JSON.parse(readFileSync(join(root('changed'), 'walkforward_summary.json'), 'utf8')));
    expect(summary.resumes.at(-1)).toMatchObject({ forced: true, changes: ['env.costBps: 10 -> 5'], finishedIterations: [1, 2] });
    const fresh = await cli('--fresh');
    expect(fresh.code).toBe(0);
    const moved = readdirSync(exp.resultsDir).filter((d) => d.startsWith('changed.old-'));
    expect(moved).toHaveLength(1);
    expect(
      existsSync(join(exp.resultsDir, moved[0], 'checkpoints', 'metrics_iter_1.json')) ||
        existsSync(join(exp.resultsDir, moved[0], 'checkpoints', 'no_model_iter_1.json')),
    ).toBe(true);
    expect(JSON.parse(readFileSync(join(root('changed'), 'walkforward_summary.json'), 'utf8')).resumes).toEqual([]);
  });

  test.each([
    ['ENOSPC', 'model_iter_2.zip'],
    ['EACCES', 'metrics_iter_2.json'],
    ['EIO', 'training/model_step_0001200.zip'],
  ])('a failed save (%s on %s) stops with exit 1 naming the file; earlier checkpoints stay; the rerun completes equal', async (code, file) => {
    const id = `fault-${code}`;
    const failed = await runCli(args(id), { env: { WFO_FAULT_INJECT: `${code}:${file}` } });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(new RegExp(`cannot write \\S*${file.replace(/[./]/g, (c) => `\\${c}`)}: ${code} `));
    expect(failed.stderr).toMatch(/Earlier checkpoints are intact/);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    const midway = await verifyExperiment(root(id), id);
    expect(midway.problems).toEqual([]);
    expect(midway.verified).toBeGreaterThan(0);
    const rerun = await runCli(args(id));
    expect(rerun.code).toBe(0);
    expect(await resultsFingerprint(root(id))).toEqual(reference);
  });

  test.each([
    ['the best model, which --repair restores from best_model.zip (exit 0)', true],
    ['a model without an intact copy, which --repair reports lost (exit 1)', false],
  ])('verify names a damaged checkpoint: %s', async (_what, best) => {
    const id = 'reference';
    const bestIteration = JSON.parse(readFileSync(join(root(id), 'best_model.json'), 'utf8')).iteration as number;
    const zips = readdirSync(join(root(id), 'checkpoints')).filter((f) => f.endsWith('.zip'));
    const r0 = await runCli(['verify', '--experiment', id, '--results-dir', exp.resultsDir]);
    expect(r0.code).toBe(0);
    const name = zips.find((z) => (z === `model_iter_${bestIteration}.zip`) === best);
    if (!name) throw new Error(`the reference run has no ${best ? 'best' : 'other'} model to damage: ${zips.join(', ')}`);
    const victim = join(root(id), 'checkpoints', name);
    const bytes = readFileSync(victim);
    writeFileSync(victim, bytes.subarray(0, bytes.length - 100));
    const r1 = await runCli(['verify', '--experiment', id, '--results-dir', exp.resultsDir]);
    expect(r1.code).toBe(1);
    expect(r1.stdout).toContain(`checkpoints/${name}`);
    const r2 = await runCli(['verify', '--experiment', id, '--results-dir', exp.resultsDir, '--repair']);
    expect(r2.code).toBe(best ? 0 : 1);
    expect(r2.stdout).toMatch(/repaired: checkpoint_index\.json rebuilt/);
    if (best) expect(readFileSync(victim)).toEqual(bytes);
    else expect(r2.stdout).toMatch(new RegExp(`lost: checkpoints/${name.replace('.', '\\.')}`));
    writeFileSync(victim, bytes);
    await runCli(['verify', '--experiment', id, '--results-dir', exp.resultsDir, '--repair']);
  });
});
