import { availableParallelism } from 'node:os';
import { UsageError } from '../../src/errors/index.js';
import { checkRunOptions, parseWorkers, resolveWorkers } from '../../src/walkforward/executors/index.js';
import { runCli } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

describe('--workers auto: one worker thread per core, at most one per iteration', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('parses auto and whole numbers; anything else is a usage error naming what was given', () => {
    expect(parseWorkers('auto')).toBe('auto');
    expect(parseWorkers('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'two', '']) expect(() => parseWorkers(bad)).toThrow(UsageError);
    expect(() => parseWorkers('two')).toThrow(/--workers: got two; expected a whole number >= 1 or 'auto'/);
    expect(() => checkRunOptions({ experiment: 'x', workers: 'auto' })).not.toThrow();
    expect(() => checkRunOptions({ experiment: 'x', workers: 0 })).toThrow(UsageError);
  });

  test('auto is min(cores, iterations), 1 when a warm start chains the iterations; a number is kept', () => {
    expect(resolveWorkers('auto', 15, false, 2)).toBe(2);
    expect(resolveWorkers('auto', 15, false, 16)).toBe(15);
    expect(resolveWorkers('auto', 1, false, 8)).toBe(1);
    expect(resolveWorkers('auto', 15, true, 8)).toBe(1);
    expect(resolveWorkers(1, 15, false, 8)).toBe(1);
    expect(resolveWorkers(4, 2, false, 2)).toBe(4);
  });

  test('the CLI runs on every core by default, on this thread with --workers 1 or a warm start, and says so', async () => {
    const exp = smallExperiment(tmp.dir, {
      windows: { train: 300, validation: 100, test: 100, maxIterations: 2 },
      training: { timesteps: 600, evalFreq: 300 },
    });
    const base = ['walkforward', '--config', exp.configFile, '--no-charts'];
    const auto = await runCli([...base, '--experiment', 'auto']);
    expect(auto.code).toBe(0);
    const threads = Math.min(availableParallelism(), 2);
    if (threads > 1) expect(auto.stdout).toMatch(/running 2 iterations on 2 worker threads/);
    else expect(auto.stdout).not.toMatch(/worker threads/);
    const one = await runCli([...base, '--experiment', 'one', '--workers', '1']);
    expect(one.code).toBe(0);
    expect(one.stdout).not.toMatch(/worker threads/);
    const warm = await runCli([...base, '--experiment', 'warm', '--set', 'training.warmStart=true']);
    expect(warm.code).toBe(0);
    expect(warm.stderr).toBe('');
    expect(warm.stdout).not.toMatch(/worker threads/);
  }, 120_000);
});
