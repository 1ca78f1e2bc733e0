import type * as TF from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VotePolicy } from '../../src/agent/ensemble.js';
import { tf } from '../../src/backend/tf.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { loadPriceSeries } from '../../src/data/load-series.js';
import { computeFeatures } from '../../src/data/features.js';
import { marketView } from '../../src/env/market.js';
import { TradingEnv } from '../../src/env/trading-env.js';
import { loadCheckpointModel } from '../../src/inspect/load-checkpoint-model.js';
import { configSchema } from '../../src/config/schema.js';
import { iterationRecordSchema, runConfigSchema, walkforwardSummarySchema, type IterationRecord } from '../../src/records/index.js';
import { voteOf } from '../../src/store/model-zip.js';
import { runPolicy } from '../../src/training/evaluate.js';
import { runCli } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('training.seeds: several agents per window (real CLI)', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  let exp: ReturnType<typeof smallExperiment>;
  const run = (id: string, ...sets: string[]) =>
    runCli(walkforwardArgs(exp, id, '--quiet', '--no-charts', '--workers', '1', ...sets.flatMap((s) => ['--set', s])));
  const records = (id: string): IterationRecord[] =>
    [1, 2].map((n) => iterationRecordSchema.parse(readJson(join(exp.resultsDir, id, 'checkpoints', recordName(exp.resultsDir, id, n)))));

  beforeAll(async () => {
    await selectBackend('wasm');
    exp = smallExperiment(tmp.dir, { windows: { train: 300, validation: 100, test: 100, maxIterations: 2 } });
    const results = await Promise.all([run('none3', 'training.seeds=3'), run('vote3', 'training.seeds=3', 'selection.ensemble=vote')]);
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  }, 120_000);

  test('ensemble none keeps the best candidate over all seeds (ties: the lower seed) and says which seed', () => {
    for (const r of records('none3')) {
      const seeds = new Set(r.selection.candidates.map((c) => c.seed ?? 0));
      expect([...seeds]).toEqual([0, 1, 2]);
      const scores = r.selection.candidates.map((c) => c.score ?? -Infinity);
      const top = Math.max(...scores);
      const first = r.selection.candidates[scores.indexOf(top)];
      expect(r.selection.score).toBe(top);
      expect(r.selection.kept).toBe(first.seed ?? 0);
      expect(r.selection.step).toBe(first.step);
      expect(r.training.seeds?.map((s) => s.seed)).toEqual([0, 1, 2]);
      expect(r.training.updates).toBe(r.training.seeds?.reduce((a, s) => a + s.updates, 0));
      expect(r.selection.untrainedBySeed).toHaveLength(3);
    }
    // The validation search counts every candidate as a trial: the selection is a max over all of them.
    const summary = walkforwardSummarySchema.parse(readJson(join(exp.resultsDir, 'none3', 'walkforward_summary.json')));
    const perIteration = records('none3')
      .filter((r) => r.kind === 'model')
      .map((r) => r.selection.candidates.length);
    expect(summary.luck.validationSearch?.trials).toBe(Math.round(perIteration.reduce((a, b) => a + b, 0) / perIteration.length));
  });

  test('ensemble vote keeps the vote of the per-seed bests; the preserved zip loads as one model whose argmax is the exact vote', async () => {
    const [first] = records('vote3');
    expect(first.selection.kept).toBe('vote');
    expect(first.selection.vote?.members.map((m) => m.seed)).toEqual([0, 1, 2]);
    expect(first.selection.score).toBe(first.selection.vote?.candidate.score);
    const summary = walkforwardSummarySchema.parse(readJson(join(exp.resultsDir, 'vote3', 'walkforward_summary.json')));
    const perSeed = records('vote3')
      .filter((r) => r.kind === 'model')
      .map((r) => r.selection.candidates.length / 3);
    expect(summary.luck.validationSearch?.trials).toBe(Math.round(perSeed.reduce((a, b) => a + b, 0) / perSeed.length));

    for (const r of records('vote3').filter((x) => x.kind === 'model')) {
      const checkpoint = await loadCheckpointModel(join(exp.resultsDir, 'vote3'), r.iteration);
      const vote = voteOf(checkpoint);
      expect(vote?.members).toHaveLength(3);
      const observation = checkpoint.metadata.observation;
      if (!vote || !observation) throw new Error('the preserved vote model lacks its members or its observation settings');
      const config = configSchema.parse(runConfigSchema.parse(readJson(join(exp.resultsDir, 'vote3', 'config.json'))).config);
      const series = await loadPriceSeries(config.data);
      const market = marketView(computeFeatures(series.price, { lookback: observation.lookback }, observation.features), observation.standardization);
      const env = new TradingEnv(market, r.window.test.start, r.window.test.end, config.env);
      const exact = new VotePolicy(
        { obsDim: market.featureDim + 1, hidden: config.agent.layers, nActions: env.nActions, ranks: vote.ranks },
        vote.members,
      );
      let bars = 0;
      let differ = 0;
      const metrics = runPolicy(
        env,
        (obs) => {
          const action = exact.action(obs);
          const fromModel = tf.tidy(() => tf.argMax(checkpoint.model.predict(tf.tensor2d(obs, [1, obs.length])) as TF.Tensor2D, 1).dataSync()[0]);
          bars++;
          if (fromModel !== action) differ++;
          return action;
        },
        { periodsPerYear: config.data.periodsPerYear, riskFreeRate: config.data.riskFreeRate },
      ).metrics;
      exact.dispose();
      checkpoint.model.dispose();
      expect(bars).toBe(r.window.test.end - r.window.test.start);
      expect(differ).toBe(0);
      // The pipeline's own test metrics are those of the exact vote.
      expect(metrics.totalReturn).toBeCloseTo(r.metrics.test.totalReturn ?? NaN, 12);
    }
  });

  test('wfo list, analyze and verify work on a seeds run', async () => {
    for (const id of ['none3', 'vote3']) {
      for (const verb of ['list', 'analyze', 'verify']) {
        const r = await runCli([verb, '--experiment', id, '--results-dir', exp.resultsDir]);
        expect({ verb, code: r.code, stderr: r.stderr }).toEqual({ verb, code: 0, stderr: '' });
      }
    }
  });

  test.each([
    { sets: ['selection.ensemble=vote'], message: /selection\.ensemble=vote needs training\.seeds >= 2/ },
    { sets: ['training.seeds=0'], message: /training\.seeds/ },
    {
      sets: ['training.seeds=2', 'selection.ensemble=vote', 'training.warmStart=true'],
      message: /selection\.ensemble=vote with training\.warmStart/,
    },
    { sets: ['selection.ensemble=majority'], message: /selection\.ensemble/ },
  ])('a bad seeds setting ($sets) exits 2 naming the keys', async ({ sets, message }) => {
    const r = await run('bad', ...sets);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

function recordName(resultsDir: string, id: string, n: number): string {
  const index = readJson(join(resultsDir, id, 'checkpoint_index.json')) as {
    entries: Array<{ path: string; iteration: number | null; kind: string }>;
  };
  const entry = index.entries.find((e) => e.iteration === n && (e.kind === 'metrics' || e.kind === 'placeholder'));
  if (!entry) throw new Error(`no record of iteration ${n} in ${id}`);
  return entry.path.replace(/^checkpoints\//, '');
}
