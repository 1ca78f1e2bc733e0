import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelZip } from '../../src/store/model-zip.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { computeMetrics } from '../../src/analysis/metrics.js';
import {
  bestModelSchema,
  checkpointSummarySchema,
  iterationRecordSchema,
  modelCardSchema,
  runConfigSchema,
  walkforwardSummarySchema,
} from '../../src/records/index.js';
import { runCli } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('wfo walkforward (real CLI, child process)', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  test('leaves exactly the promised files, each valid against its schema and consistent with the others', async () => {
    const exp = smallExperiment(tmp.dir);
    const r = await runCli(['walkforward', '--experiment', 'e1', '--config', exp.configFile]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Finished experiment e1/);
    const root = join(exp.resultsDir, 'e1');

    const summary = walkforwardSummarySchema.parse(readJson(join(root, 'walkforward_summary.json')));
    const runConfig = runConfigSchema.parse(readJson(join(root, 'config.json')));
    expect(runConfig.seed).toBe(17);
    expect(runConfig.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.iterations).toHaveLength(3);

    const expected = new Set([
      '.wfo-owner.json',
      'config.json',
      'checkpoints',
      'checkpoint_index.json',
      'walkforward_summary.json',
      'checkpoint_summary.json',
      'oos_returns.csv',
      'run.log',
      'visualizations',
      'report.html',
      'tensorboard',
      'production',
    ]);
    if (summary.bestIteration !== null) ['best_model.zip', 'best_model.json'].forEach((f) => expected.add(f));
    expect(new Set(readdirSync(root))).toEqual(expected);
    const card = modelCardSchema.parse(readJson(join(root, 'production', 'model_card.json')));
    expect(new Set(readdirSync(join(root, 'production')))).toEqual(new Set(card.model ? ['model_card.json', 'model.zip'] : ['model_card.json']));
    expect(card).toMatchObject({ configHash: runConfig.configHash, data: { sha256: runConfig.data.sha256 }, evidence: { luck: summary.luck } });

    const checkpointFiles = new Set<string>();
    for (const it of summary.iterations) {
      const n = it.iteration;
      if (it.status === 'model') {
        checkpointFiles.add(`model_iter_${n}.zip`).add(`metrics_iter_${n}.json`);
        const record = iterationRecordSchema.parse(readJson(join(root, 'checkpoints', `metrics_iter_${n}.json`)));
        if (record.kind !== 'model') throw new Error('expected a model record');
        expect(record.selection.candidates.length).toBe(4);
        expect(record.selection.score).toBe(Math.max(...record.selection.candidates.map((c) => c.score ?? -Infinity)));
        expect(record.metrics.validation?.sharpe).toBeCloseTo(record.selection.score as number, 10);
        const loaded = await loadModelZip(join(root, 'checkpoints', `model_iter_${n}.zip`));
        expect(loaded.metadata).toMatchObject({
          iteration: n,
          step: record.selection.step,
          configHash: runConfig.configHash,
          dataSha256: runConfig.data.sha256,
        });
        loaded.model.dispose();
      } else {
        checkpointFiles.add(`no_model_iter_${n}.json`);
        const record = iterationRecordSchema.parse(readJson(join(root, 'checkpoints', `no_model_iter_${n}.json`)));
        expect(record.kind).toBe('placeholder');
      }
    }
    expect(new Set(readdirSync(join(root, 'checkpoints')))).toEqual(checkpointFiles);

    const checkpointSummary = checkpointSummarySchema.parse(readJson(join(root, 'checkpoint_summary.json')));
    expect(checkpointSummary.checkpoints.map((c) => c.iteration)).toEqual([1, 2, 3]);
    expect(checkpointSummary.analysis.withModel).toBe(summary.qualified);
    if (summary.bestIteration !== null) {
      const best = bestModelSchema.parse(readJson(join(root, 'best_model.json')));
      expect(best.iteration).toBe(summary.bestIteration);
      expect(readFileSync(join(root, 'best_model.zip'))).toEqual(readFileSync(join(root, 'checkpoints', `model_iter_${best.iteration}.zip`)));
      expect(checkpointSummary.checkpoints.filter((c) => c.best).map((c) => c.iteration)).toEqual([best.iteration]);
    }

    // The stitched metrics recomputed from oos_returns.csv equal the summary's.
    const lines = readFileSync(join(root, 'oos_returns.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('iteration,row,date,position,strategy_return,buy_and_hold_return,strategy_equity,buy_and_hold_equity');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(300);
    expect(rows.map((c) => Number(c[1]))).toEqual(Array.from({ length: 300 }, (_, i) => 400 + i));
    const opts = { periodsPerYear: 252, riskFreeRate: 0 };
    const strategy = computeMetrics(
      rows.map((c) => Number(c[4])),
      rows.map((c) => Number(c[3])),
      opts,
    );
    const hold = computeMetrics(
      rows.map((c) => Number(c[5])),
      rows.map(() => 1),
      opts,
    );
    expect(strategy.sharpe).toBeCloseTo(summary.stitched.strategy.sharpe as number, 10);
    expect(strategy.totalReturn).toBeCloseTo(summary.stitched.strategy.totalReturn as number, 10);
    expect(hold.totalReturn).toBeCloseTo(summary.stitched.buyAndHold.totalReturn as number, 10);
    expect(Number(rows.at(-1)?.[6])).toBeCloseTo(1 + (summary.stitched.strategy.totalReturn as number), 10);
  });

  test('impossible criteria give a placeholder for every iteration and still a complete summary', async () => {
    const exp = smallExperiment(tmp.dir, { selection: { minScore: 1000, fallback: 'buy_and_hold' } });
    const r = await runCli(['walkforward', '--experiment', 'none', '--config', exp.configFile, '--quiet', '--no-charts', '--workers', '1']);
    expect(r.code).toBe(0);
    const root = join(exp.resultsDir, 'none');
    expect(readdirSync(join(root, 'checkpoints')).sort()).toEqual(['no_model_iter_1.json', 'no_model_iter_2.json', 'no_model_iter_3.json']);
    const placeholder = iterationRecordSchema.parse(readJson(join(root, 'checkpoints', 'no_model_iter_2.json')));
    if (placeholder.kind !== 'placeholder') throw new Error('expected a placeholder');
    expect(placeholder.reason).toMatch(/below selection\.minScore 1000/);
    expect(placeholder.bestCandidate?.score).toBe(Math.max(...placeholder.selection.candidates.map((c) => c.score ?? -Infinity)));
    expect(placeholder.outOfSample.positions.every((p) => p === 1)).toBe(true);
    const summary = walkforwardSummarySchema.parse(readJson(join(root, 'walkforward_summary.json')));
    expect(summary).toMatchObject({ qualified: 0, placeholders: 3, bestIteration: null });
    expect(summary.walkForwardEfficiency).toEqual({ value: null, reason: 'no iteration has a preserved model' });
    expect(existsSync(join(root, 'best_model.zip'))).toBe(false);
  });

  test('a bad experiment id or setting exits 2 before any work', async () => {
    const bad = await runCli(['walkforward', '--experiment', '../x', '--results-dir', tmp.dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--experiment "\.\.\/x"/);
    const badSet = await runCli(['walkforward', '--experiment', 'x', '--results-dir', tmp.dir, '--set', 'selection.metric=profit']);
    expect(badSet.code).toBe(2);
    expect(badSet.stderr).toMatch(/selection\.metric: got "profit"/);
    expect(existsSync(join(tmp.dir, 'x'))).toBe(false);
  });
});
