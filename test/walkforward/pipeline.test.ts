import { existsSync, readdirSync } from 'node:fs';
import { loadConfig } from '../../src/config/load-config.js';
import { loadModelZip } from '../../src/store/model-zip.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { runWalkForward } from '../../src/walkforward/run/index.js';
import { smallExperiment } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

describe('runWalkForward (library)', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  test('the preserved copy and its metrics are on disk before the iteration folder is removed', async () => {
    const exp = smallExperiment(tmp.dir, { selection: { minScore: -1000 } });
    const { config } = loadConfig({ configFile: exp.configFile, sets: ['windows.maxIterations=2'] });
    const seen: Array<Record<string, boolean>> = [];
    const { paths } = await runWalkForward(config, {
      experiment: 'order',
      charts: false,
      beforeIterationCleanup: (n, p) => {
        seen.push({
          model: existsSync(p.preservedModel(n)),
          metrics: existsSync(p.metrics(n)),
          currentBest: existsSync(p.currentBest(n)),
        });
      },
    });
    expect(seen).toEqual([
      { model: true, metrics: true, currentBest: true },
      { model: true, metrics: true, currentBest: true },
    ]);
    expect(existsSync(paths.iterations)).toBe(false);
  });

  test('warm start runs in order and starts each iteration from the previous preserved model', async () => {
    const exp = smallExperiment(tmp.dir, { selection: { minScore: -1000 } });
    // A vanishing learning rate leaves the weights where they started, so what an iteration starts from shows.
    const sets = ['windows.maxIterations=2', 'agent.learningRate=1e-12'];
    const run = async (experiment: string, warmStart: boolean) => {
      const { config } = loadConfig({ configFile: exp.configFile, sets: [...sets, `training.warmStart=${warmStart}`] });
      const { paths, summary } = await runWalkForward(config, { experiment, charts: false });
      const [w1, w2] = await Promise.all([1, 2].map((n) => loadModelZip(paths.preservedModel(n))));
      [w1, w2].forEach((m) => m.model.dispose());
      const maxDiff = Math.max(...w1.weights.flatMap((a, i) => Array.from(a, (v, j) => Math.abs(v - w2.weights[i][j]))));
      return { maxDiff, summary, paths };
    };
    const warm = await run('warm', true);
    const cold = await run('cold', false);
    expect(warm.maxDiff).toBeLessThan(1e-5);
    expect(cold.maxDiff).toBeGreaterThan(1e-2);
    expect(readdirSync(warm.paths.checkpoints)).toContain('metrics_iter_2.json');
    const record = JSON.parse((await import('node:fs')).readFileSync(warm.paths.metrics(2), 'utf8'));
    expect(record.training.warmStartFrom).toBe(1);
  });

  test('the same seed, data and config give the same numbers', async () => {
    const exp = smallExperiment(tmp.dir);
    const { config } = loadConfig({ configFile: exp.configFile, sets: ['windows.maxIterations=1'] });
    const a = await runWalkForward(config, { experiment: 'same-a', charts: false });
    const b = await runWalkForward(config, { experiment: 'same-b', charts: false });
    const strip = (s: typeof a.summary) => ({
      ...s,
      experiment: '',
      totalSeconds: 0,
      finishedAt: '',
      peakRssBytes: 0,
      savesBlockedMs: null,
      iterations: s.iterations.map((i) => ({ ...i, seconds: null, performance: null })),
      // The ledger holds both runs; as one configuration (hash and seed) they are one trial.
      luck: { ...s.luck, trials: s.luck.trials && { ...s.luck.trials, runs: 0 } },
    });
    expect(strip(b.summary)).toEqual(strip(a.summary));
    expect([a.summary.luck.trials?.count, b.summary.luck.trials?.runs]).toEqual([1, 2]);
  });
});
