import { runCli } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

/**
 * Worker threads load the data through DuckDB as soon as they start. A rerun of a finished experiment has nothing for
 * them to do and closes the pool at once: terminated inside DuckDB's native load, a worker aborted the whole process
 * ("terminate called after throwing an instance of 'Napi::Error'", exit 134) on about half of the reruns; five reruns
 * miss it about 1 time in 32.
 */
describe('closing the worker pool while its workers still load the data', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  test('rerunning a finished experiment on two worker threads exits 0 every time', async () => {
    const exp = smallExperiment(tmp.dir, {
      windows: { train: 300, validation: 100, test: 100, maxIterations: 2 },
      training: { timesteps: 400, evalFreq: 200 },
    });
    const args = walkforwardArgs(exp, 'done', '--quiet', '--no-charts', '--workers', '2');
    expect((await runCli(args)).code).toBe(0);
    const reruns = [];
    for (let i = 0; i < 5; i++) reruns.push(await runCli(args));
    expect(reruns.map((r) => ({ code: r.code, signal: r.signal, stderr: r.stderr }))).toEqual(
      reruns.map(() => ({ code: 0, signal: null, stderr: '' })),
    );
  }, 120_000);

  test('an SQL feature whose warm-up leaves no training bar is refused with exit 2 by windows and by a run on worker threads', async () => {
    const exp = smallExperiment(tmp.dir, {
      windows: { train: 300, validation: 100, test: 100, maxIterations: 2 },
      features: [{ name: 'returns' }, { name: 'slow', sql: 'close / lag(close, 400) OVER w - 1' }],
    });
    const message = /the first training segment has no bars after the 400-row warm-up of the features \(returns, slow\)/;
    const windows = await runCli(['windows', '--config', exp.configFile]);
    expect({ code: windows.code, signal: windows.signal }).toEqual({ code: 2, signal: null });
    expect(windows.stderr).toMatch(message);
    const run = await runCli(walkforwardArgs(exp, 'slow', '--quiet', '--no-charts', '--workers', '2'));
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 2, signal: null });
    expect(run.stderr).toMatch(message);
  }, 60_000);
});
