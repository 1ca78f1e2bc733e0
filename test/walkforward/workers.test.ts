import { join } from 'node:path';
import { verifyExperiment } from '../../src/inspect/verify.js';
import { collect, runCli, startCli, waitForOutput } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { plotsFingerprint, resultsFingerprint } from '../helpers/fingerprint.js';
import { tempDir } from '../helpers/temp.js';

describe('--workers: independent iterations on worker threads', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const overrides = { windows: { train: 300, validation: 100, test: 100, maxIterations: 4 }, training: { timesteps: 2000, evalFreq: 500 } };

  test('gives results and plots identical to one worker; SIGINT stops every worker with its state saved and the rerun completes identically', async () => {
    const exp = smallExperiment(tmp.dir, overrides);
    const args = (id: string, workers: number) => walkforwardArgs(exp, id, '--quiet', '--workers', String(workers));
    const one = await runCli(args('one', 1));
    expect(one.code).toBe(0);
    const two = await runCli([...args('two', 2)].filter((a) => a !== '--quiet'));
    expect(two.stderr).toBe('');
    expect(two.code).toBe(0);
    expect(two.stdout).toMatch(/running 4 iterations on 2 worker threads/);
    const reference = await resultsFingerprint(join(exp.resultsDir, 'one'));
    expect(await resultsFingerprint(join(exp.resultsDir, 'two'))).toEqual(reference);
    const plots = plotsFingerprint(join(exp.resultsDir, 'one'));
    expect(Object.keys(plots).filter((f) => /^iter_\d{3}_step_\d{7}\.png$/.test(f)).length).toBeGreaterThan(4);
    expect(plotsFingerprint(join(exp.resultsDir, 'two'))).toEqual(plots);
    expect((await verifyExperiment(join(exp.resultsDir, 'two'), 'two')).problems).toEqual([]);

    const child = startCli(args('stopped', 2), { env: { WFO_TRACE: '1' } });
    const done = collect(child);
    await waitForOutput(child, /trace phase=evaluation iteration=2 step=1000/);
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted by SIGINT at iteration \d, step \d+: state saved/);
    const resumed = await runCli(args('stopped', 2));
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(await resultsFingerprint(join(exp.resultsDir, 'stopped'))).toEqual(reference);
    expect(plotsFingerprint(join(exp.resultsDir, 'stopped'))).toEqual(plots);

    // A stop after the last iteration, while the workers draw plots, ends the run before the summaries; the rerun
    // writes them and draws what is missing. WFO_HOLD keeps the run at that phase until the signal lands.
    const late = startCli(args('late', 2), { env: { WFO_TRACE: '1', WFO_HOLD: 'summary' } });
    const lateDone = collect(late);
    await waitForOutput(late, /trace phase=summary/);
    late.kill('SIGINT');
    const lateStopped = await lateDone;
    expect(lateStopped.code).toBe(130);
    expect(lateStopped.stderr).toMatch(/interrupted by SIGINT before the summaries: every iteration is saved; run the same command/);
    const lateRerun = await runCli(args('late', 2));
    expect(lateRerun.code).toBe(0);
    expect(plotsFingerprint(join(exp.resultsDir, 'late'))).toEqual(plots);
    expect(await resultsFingerprint(join(exp.resultsDir, 'late'))).toEqual(reference);
    expect((await verifyExperiment(join(exp.resultsDir, 'stopped'), 'stopped')).problems).toEqual([]);
    expect((await verifyExperiment(join(exp.resultsDir, 'late'), 'late')).problems).toEqual([]);
  }, 240_000);

  test('--workers must be a whole number of at least 1', async () => {
    const r = await runCli(['walkforward', '--experiment', 'x', '--results-dir', tmp.dir, '--workers', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers: got 0; expected a whole number >= 1/);
  });
});
