import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRunLog } from '../../src/logging/run-log.js';
import { runLogEventSchemas } from '../../src/records/index.js';
import { collect, runCli, startCli, waitForOutput } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

describe('the events a healthy run never logs, from real runs that provoke them', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('a diverging run logs training-warning lines that fit their schema', async () => {
    const exp = smallExperiment(tmp.dir, { windows: { train: 300, validation: 100, test: 100, maxIterations: 1 } });
    const sets = ['agent.learningRate=1', 'agent.weightDecay=0', 'agent.huberDelta=1000000', 'agent.maxGradNorm=1000000', 'agent.gamma=0.99'].flatMap(
      (s) => ['--set', s],
    );
    const r = await runCli(walkforwardArgs(exp, 'diverging', '--quiet', '--no-charts', ...sets));
    expect(r.code).toBe(0);
    const warnings = (await readRunLog(join(exp.resultsDir, 'diverging', 'run.log'))).filter((l) => l.event === 'training-warning');
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(runLogEventSchemas['training-warning'].safeParse(w).success).toBe(true);
  }, 120_000);

  test('a resume that finds its newest training checkpoint damaged logs checkpoint-skipped and continues', async () => {
    const exp = smallExperiment(tmp.dir, { windows: { train: 300, validation: 100, test: 100, maxIterations: 1 }, saving: { nModelSaves: 4 } });
    const args = walkforwardArgs(exp, 'damaged', '--quiet', '--no-charts');
    const child = startCli(args, { env: { WFO_TRACE: '1' } });
    const done = collect(child);
    await waitForOutput(child, /trace phase=evaluation iteration=1 step=900/);
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    const folder = join(exp.resultsDir, 'damaged', 'iterations', 'iter_1', 'training');
    const newest = readdirSync(folder).sort().at(-1) as string;
    const bytes = readFileSync(join(folder, newest));
    writeFileSync(join(folder, newest), bytes.subarray(0, bytes.length - 500));
    const resumed = await runCli(args);
    expect(resumed.code).toBe(0);
    const skipped = (await readRunLog(join(exp.resultsDir, 'damaged', 'run.log'))).filter((l) => l.event === 'checkpoint-skipped');
    expect(skipped).toHaveLength(1);
    expect(String(skipped[0].file)).toContain(newest);
    expect(runLogEventSchemas['checkpoint-skipped'].safeParse(skipped[0]).success).toBe(true);
  }, 120_000);
});
