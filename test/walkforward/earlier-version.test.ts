/**
 * What an earlier version left, this one resumes and reads: an experiment interrupted in its second iteration by the
 * build of ff83089 (test/fixtures/earlier-version, made by scripts/make-earlier-version-fixture.sh), before the
 * Agent interface renamed what records and training checkpoints keep and added agent.algorithm and agent.ridge.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyExperiment } from '../../src/inspect/verify.js';
import { finalEpsilonAsDiagnostics } from '../../src/records/legacy.js';
import { experimentRecords } from '../../src/store/experiment-records.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { resultsFingerprint } from '../helpers/fingerprint.js';
import { tempDir } from '../helpers/temp.js';

const fixture = join(repoRoot, 'test/fixtures/earlier-version');
const tmp = tempDir('wfo-earlier-');
afterAll(tmp.cleanup);
const args = (resultsDir: string) =>
  ['walkforward', '--experiment', 'legacy', '--results-dir', resultsDir, '--config', join(fixture, 'config.json')].concat([
    '--seed',
    '7',
    '--no-charts',
    '--workers',
    '1',
    '--quiet',
  ]);

test('an experiment interrupted by an earlier version reads as it did, resumes from its training checkpoint and ends as an uninterrupted run of this one', async () => {
  const earlier = join(tmp.dir, 'earlier');
  cpSync(join(fixture, 'results-ff83089'), earlier, { recursive: true });
  const root = join(earlier, 'legacy');
  // Its finished iteration's record, written with finalEpsilon, reads with the agent's diagnostics and verifies.
  const record = await experimentRecords(root).iteration('checkpoints/metrics_iter_1.json');
  expect(record.training.diagnostics).toEqual({ epsilon: expect.any(Number) });
  expect((await verifyExperiment(root, 'legacy')).problems).toEqual([]);

  const resumed = await runCli(args(earlier));
  expect({ code: resumed.code, stderr: resumed.stderr }).toEqual({ code: 0, stderr: '' });
  const lines = readFileSync(join(root, 'run.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.filter((l) => l.event === 'resume').map((l) => l.file)).toEqual([expect.stringMatching(/iter_2\/training\/model_step_0000601\.zip$/)]);
  expect(lines.filter((l) => l.event === 'run-resume').map((l) => [l.forced, l.changes])).toEqual([[false, []]]);

  const fresh = join(tmp.dir, 'fresh');
  expect((await runCli(args(fresh))).code).toBe(0);
  // The finished iteration's record stays as the earlier version wrote it: the same numbers, finalEpsilon by its old name.
  const resumedPrint = await resultsFingerprint(root);
  const first = resumedPrint['metrics_iter_1.json'] as { training: unknown };
  first.training = finalEpsilonAsDiagnostics(first.training);
  expect(resumedPrint).toEqual(await resultsFingerprint(join(fresh, 'legacy')));
  expect((await verifyExperiment(root, 'legacy')).problems).toEqual([]);
});
