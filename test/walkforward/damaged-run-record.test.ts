/**
 * config.json is the record against which a rerun's settings are compared. A damaged one refuses the run instead of
 * passing for "no earlier run": the finished iterations would otherwise be kept under settings nobody can check.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

const tmp = tempDir('wfo-run-record-');
afterAll(tmp.cleanup);

test('a config.json that is not a run record refuses the rerun (exit 2, naming it, nothing changed); --fresh moves the folder aside and runs', async () => {
  const exp = smallExperiment(tmp.dir, {
    windows: { train: 300, validation: 100, test: 100, maxIterations: 1 },
    training: { timesteps: 600, evalFreq: 300 },
  });
  const args = (...more: string[]) => walkforwardArgs(exp, 'e', '--quiet', '--no-charts', '--workers', '1', ...more);
  expect((await runCli(args())).code).toBe(0);
  const root = join(exp.resultsDir, 'e');
  writeFileSync(join(root, 'config.json'), '{"formatVersion": 1, "experiment": "e", "config": ');
  const before = readdirSync(root).sort();

  const refused = await runCli(args());
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/^error: \S+\/e\/config\.json is not a readable record of the earlier run \(.+\); .* Use --fresh to start over/m);
  expect(refused.stderr).not.toMatch(/\n\s+at /);
  expect(readdirSync(root).sort()).toEqual(before);
  expect(readFileSync(join(root, 'config.json'), 'utf8')).toBe('{"formatVersion": 1, "experiment": "e", "config": ');

  const fresh = await runCli(args('--fresh'));
  expect({ code: fresh.code, stderr: fresh.stderr }).toEqual({ code: 0, stderr: '' });
  const aside = readdirSync(exp.resultsDir).filter((name) => name.startsWith('e.old-'));
  expect(aside).toHaveLength(1);
  expect(existsSync(join(exp.resultsDir, aside[0], 'checkpoints'))).toBe(true);
});
