import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

/** The error line a user sees, with the results folder replaced so two runs in two folders can be compared. */
const errorLine = (stderr: string, resultsDir: string) =>
  stderr
    .split(resultsDir)
    .join('<results>')
    .split('\n')
    .find((l) => l.startsWith('error: '));

describe('errors raised inside a worker thread reach the user as they would without workers', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const overrides = { windows: { train: 300, validation: 100, test: 100, maxIterations: 2 }, training: { timesteps: 1200, evalFreq: 300 } };

  test.each([
    ['ENOSPC', 'iter_2/curr_best_model.zip'],
    ['EIO', 'iter_2/training/model_step_0001200.zip'],
    ['EACCES', 'visualizations/iter_002_step_0000300.png'],
  ])(
    'a failed write (%s on %s) under --workers 2 gives the same message and exit code as under --workers 1',
    async (code, file) => {
      const runs = [];
      for (const workers of [1, 2]) {
        const dir = join(tmp.dir, `${code}-${workers}`);
        mkdirSync(dir);
        const exp = smallExperiment(dir, overrides);
        const r = await runCli(['walkforward', '--experiment', 'fault', '--config', exp.configFile, '--quiet', '--workers', String(workers)], {
          env: { WFO_FAULT_INJECT: `${code}:${file}` },
        });
        runs.push({ code: r.code, line: errorLine(r.stderr, exp.resultsDir), stderr: r.stderr });
      }
      const [one, two] = runs;
      expect(one.code).toBe(1);
      expect(one.line).toMatch(new RegExp(`^error: cannot write <results>/fault/\\S*${file.replace(/[./]/g, (c) => `\\${c}`)}\\S*: ${code} `));
      expect(two.code).toBe(one.code);
      expect(two.line).toBe(one.line);
      expect(two.stderr).not.toMatch(/\n\s+at /);
    },
    120_000,
  );
});
