import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readScalars } from '../../src/logging/tensorboard/index.js';
import { runCli } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { resultsFingerprint } from '../helpers/fingerprint.js';
import { tempDir } from '../helpers/temp.js';

type LogLine = Record<string, unknown> & { event: string };

const runLog = (root: string): LogLine[] =>
  readFileSync(join(root, 'run.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LogLine);

/** The records without what differs from run to run (times), each seed's included. */
async function fingerprint(root: string): Promise<Record<string, unknown>> {
  const out = await resultsFingerprint(root);
  for (const value of Object.values(out)) {
    const seeds = (value as { training?: { seeds?: Array<{ seconds?: number }> } } | null)?.training?.seeds;
    for (const s of seeds ?? []) delete s.seconds;
  }
  return out;
}

describe('training.seeds=2: progress, status, logs and TensorBoard count every seed; workers change nothing', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const iterations = 2;
  const timesteps = 600;
  const seeds = 2;
  let exp: ReturnType<typeof smallExperiment>;
  const args = (id: string, workers: number, ...extra: string[]) =>
    walkforwardArgs(exp, id, '--no-charts', '--workers', String(workers), '--set', `training.seeds=${seeds}`, ...extra);
  let one: Awaited<ReturnType<typeof runCli>>;
  let two: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    exp = smallExperiment(tmp.dir, {
      windows: { train: 300, validation: 100, test: 100, maxIterations: iterations },
      training: { timesteps, evalFreq: 300 },
      saving: { nProgressUpdates: 24 },
    });
    [one, two] = await Promise.all([runCli(args('one', 1)), runCli(args('two', 2, '--quiet', '--set', 'selection.ensemble=vote'))]);
  }, 180_000);

  test('the plan covers iterations x seeds x timesteps and the global step rises monotonically to it', async () => {
    expect({ code: one.code, stderr: one.stderr }).toEqual({ code: 0, stderr: '' });
    const total = iterations * seeds * timesteps;
    const log = runLog(join(exp.resultsDir, 'one'));
    expect(log.find((l) => l.event === 'save-plan')?.totalSteps).toBe(total);
    // The study's lines; the production model (iteration 0) trains after it, its steps counted beyond the study's.
    const progress = log.filter((l) => l.event === 'progress' && l.iteration !== 0);
    const production = log.filter((l) => l.event === 'progress' && l.iteration === 0);
    expect(progress.every((l) => l.totalSteps === total && l.seeds === seeds)).toBe(true);
    expect(production.length).toBeGreaterThan(0);
    for (const l of production) {
      expect(l.totalSteps).toBe(total + seeds * timesteps);
      expect(l.globalStep).toBe(total + (l.seed as number) * timesteps + (l.step as number));
    }
    const global = progress.map((l) => l.globalStep as number);
    expect(global.every((g, i) => i === 0 || g > global[i - 1])).toBe(true);
    // Each line's global step is the steps of the iterations and seeds before it plus its own step.
    for (const l of progress) {
      expect(l.globalStep).toBe((((l.iteration as number) - 1) * seeds + (l.seed as number)) * timesteps + (l.step as number));
    }
    expect(new Set(progress.map((l) => `${l.iteration}/${l.seed}`))).toEqual(new Set(['1/0', '1/1', '2/0', '2/1']));
    expect(Math.max(...global)).toBe(total);

    // The console lines say the seed and the share of the whole run, up to 100%.
    const lines = one.stdout.split('\n').filter((l) => l.startsWith('progress: iteration'));
    expect(lines.some((l) => /^progress: iteration 1\/2, seed 2\/2, step \d+\/600 \(\d+% of the run\)/.test(l))).toBe(true);
    const pct = lines.map((l) => Number(/\((\d+)% of the run\)/.exec(l)?.[1]));
    expect(pct.every((p, i) => i === 0 || p >= pct[i - 1])).toBe(true);
    expect(pct.at(-1)).toBe(100);

    const status = await runCli(['status', '--experiment', 'one', '--results-dir', exp.resultsDir, '--json']);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout);
    expect({ stepsDone: s.stepsDone, totalSteps: s.totalSteps, state: s.state }).toEqual({ stepsDone: total, totalSteps: total, state: 'finished' });
  });

  test('evaluation lines carry their seed; each seed of an iteration is its own TensorBoard run', async () => {
    const root = join(exp.resultsDir, 'one');
    const evaluations = runLog(root).filter((l) => l.event === 'evaluation');
    expect(new Set(evaluations.map((l) => l.seed))).toEqual(new Set([0, 1]));
    expect(evaluations.filter((l) => l.seed === 1).every((l) => / seed 1: sharpe /.test(l.msg as string))).toBe(true);
    for (const n of [1, 2]) {
      const seed0 = join(root, 'tensorboard', `iter_00${n}`);
      const seed1 = join(seed0, 'seed_1');
      expect(existsSync(seed1)).toBe(true);
      const scalars = async (dir: string) => (await readScalars(dir)).filter((p) => p.tag === 'eval/sharpe').map((p) => p.step);
      const evalSteps = (seed: number) => evaluations.filter((l) => l.iteration === n && l.seed === seed).map((l) => l.step);
      expect(await scalars(seed1)).toEqual(evalSteps(1));
      expect(await scalars(seed0)).toEqual(evalSteps(0));
    }
  });

  test('--workers 2 gives the same records, models and oos_returns.csv as --workers 1', async () => {
    expect({ code: two.code, stderr: two.stderr }).toEqual({ code: 0, stderr: '' });
    const vote1 = await runCli([...args('vote1', 1, '--quiet', '--set', 'selection.ensemble=vote')]);
    expect({ code: vote1.code, stderr: vote1.stderr }).toEqual({ code: 0, stderr: '' });
    const reference = await fingerprint(join(exp.resultsDir, 'vote1'));
    expect(reference['oos_returns.csv']).toEqual(expect.any(String));
    expect(await fingerprint(join(exp.resultsDir, 'two'))).toEqual(reference);
  }, 120_000);
});
