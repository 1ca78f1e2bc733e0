import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import type { PipelineConfig } from '../../src/config/schema.js';
import type { LogRecord } from '../../src/logging/logger.js';
import type { ProgressState } from '../../src/walkforward/context/index.js';
import { InterruptedError } from '../../src/errors/index.js';
import { checkpointIndexSchema, modelCardSchema } from '../../src/records/index.js';
import { cleanupCheckpoints } from '../../src/retention/cleanup.js';
import { verifyExperiment } from '../../src/inspect/verify.js';
import { act } from '../../src/inspect/act.js';
import { loadModelZip } from '../../src/store/model-zip.js';
import { readZip } from '../../src/store/zip-store.js';
import { sha256 } from '../../src/util/hash.js';
import { runWalkForward } from '../../src/walkforward/run/index.js';
import { finishedExperiment } from '../helpers/finished-experiment.js';
import { tempDir } from '../helpers/temp.js';
import { smallExperiment } from '../helpers/experiment.js';
import { weekdayDates } from '../helpers/synthetic.js';

/** Runs the experiment and stops it (as Ctrl+C does) half-way through its production model's training. */
async function stoppedInProduction(config: PipelineConfig, experiment: string): Promise<void> {
  const controller = new AbortController();
  const stopAtProduction = (p: ProgressState) => {
    if (p.iteration === 0 && p.step >= 600) controller.abort('SIGINT');
  };
  await expect(runWalkForward(config, { experiment, charts: false, signal: controller.signal, onProgress: stopAtProduction })).rejects.toThrow(
    InterruptedError,
  );
}

const weightsOf = async (zip: string) => (await readZip(zip, ['weights.bin']))['weights.bin'];

describe('the production model (issue 26)', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  let exp: Awaited<ReturnType<typeof finishedExperiment>>;
  let root: string;

  beforeAll(async () => {
    exp = await finishedExperiment(tmp.dir, 'prod');
    root = exp.paths.root;
  });

  test('the default run trains the procedure on the newest window and preserves production/model.zip with its card', async () => {
    const card = modelCardSchema.parse(JSON.parse(readFileSync(join(root, 'production/model_card.json'), 'utf8')));
    const bytes = readFileSync(join(root, 'production/model.zip'));
    expect(card.status).toBe('model');
    expect(card.model).toEqual({ file: 'production/model.zip', sha256: sha256(bytes), size: bytes.length });
    // 800 rows, train 300 and validation 100: validation ends at the last bar, training right before it.
    expect(card.window.train).toMatchObject({ start: 400, end: 700 });
    expect(card.window.validation).toMatchObject({ start: 700, end: 800, endDate: card.data.lastDate });
    expect(card.data).toMatchObject({ rows: 800, sha256: exp.summary.dataSha256, path: exp.data });
    expect(card.configHash).toBe(exp.summary.configHash);
    expect(card.currentUntil.bars).toBe(100);
    // 100 weekdays after the last bar: 140 calendar days at the data's spacing.
    expect(Date.parse(card.currentUntil.date as string) - Date.parse(card.data.lastDate as string)).toBeGreaterThan(130 * 86_400_000);
    expect(card.evidence).toMatchObject({ iterations: 4, qualified: 4, bars: exp.summary.stitched.bars });
    expect(card.evidence.strategy).toEqual(exp.summary.stitched.strategy);
    expect(card.evidence.luck).toEqual(exp.summary.luck);
    expect(card.warning === null).toBe(exp.summary.luck.verdict === 'distinguishable from chance');
    expect(card.observation.features).toEqual([
      'logReturn_t-7',
      'logReturn_t-6',
      'logReturn_t-5',
      'logReturn_t-4',
      'logReturn_t-3',
      'logReturn_t-2',
      'logReturn_t-1',
      'logReturn_t',
    ]);
    const model = await loadModelZip(join(root, 'production/model.zip'));
    model.model.dispose();
    // Standardised with the newest window's training rows, as every iteration's model is with its own.
    expect(model.metadata.observation?.standardization.fittedOn).toEqual([400, 700]);
    expect(model.metadata.iteration).toBe(0);
    expect(card.selection).toMatchObject({ scoredOn: 'validation', score: model.metadata.metrics.sharpe ?? card.selection.score });
    const index = checkpointIndexSchema.parse(JSON.parse(readFileSync(join(root, 'checkpoint_index.json'), 'utf8')));
    const production = index.entries.filter((e) => e.path.startsWith('production/')).map((e) => [e.path, e.kind]);
    expect(production.sort()).toEqual([
      ['production/model.zip', 'production'],
      ['production/model_card.json', 'production_card'],
    ]);
    // Its training folder goes once it is preserved, as an iteration's does.
    expect(existsSync(join(root, 'iterations'))).toBe(false);
    expect((await verifyExperiment(root, 'prod')).ok).toBe(true);
  });

  test('cleanup never removes it, and a rerun finds the card current instead of training again', async () => {
    const before = readFileSync(join(root, 'production/model_card.json'));
    await cleanupCheckpoints(root, { keepLast: 1, keepBest: false });
    expect(existsSync(join(root, 'checkpoints/model_iter_1.zip'))).toBe(false);
    expect(existsSync(join(root, 'production/model.zip'))).toBe(true);
    const { config } = loadConfig({ configFile: exp.configFile });
    const lines: LogRecord[] = [];
    const again = await runWalkForward(config, { experiment: 'prod', charts: false, onLog: (r) => lines.push(r) });
    expect(lines.some((r) => r.event === 'production-current')).toBe(true);
    expect(lines.some((r) => r.event === 'production-start')).toBe(false);
    expect(readFileSync(join(root, 'production/model_card.json'))).toEqual(before);
    expect(again.production?.model?.sha256).toBe(JSON.parse(before.toString()).model.sha256);
  });

  test('production.enabled false leaves the study exactly as it was, without a production folder', async () => {
    const { config } = loadConfig({ configFile: exp.configFile, sets: ['production.enabled=false'] });
    const off = await runWalkForward(config, { experiment: 'off', charts: false });
    const offRoot = off.paths.root;
    expect(off.production).toBeNull();
    expect(existsSync(join(offRoot, 'production'))).toBe(false);
    expect(off.summary.configHash).toBe(exp.summary.configHash);
    expect(readFileSync(join(offRoot, 'oos_returns.csv'))).toEqual(readFileSync(join(root, 'oos_returns.csv')));
    // The earlier test's cleanup kept the newest preserved model only.
    expect(
      Buffer.compare(await weightsOf(join(offRoot, 'checkpoints/model_iter_4.zip')), await weightsOf(join(root, 'checkpoints/model_iter_4.zip'))),
    ).toBe(0);
    expect(off.summary.iterations.map((i) => [i.selectionScore, i.test])).toEqual(exp.summary.iterations.map((i) => [i.selectionScore, i.test]));
    // The same configuration (hash and seed) counts once in the ledger, however often it ran.
    const ran = (luck: typeof off.summary.luck) => ({ ...luck, trials: luck.trials && { ...luck.trials, runs: 0 } });
    expect(ran(off.summary.luck)).toEqual(ran(exp.summary.luck));
    expect(off.summary.luck.trials?.count).toBe(1);
  });

  test('a run stopped in the middle of the production training resumes it and preserves the same model', async () => {
    const { config } = loadConfig({ configFile: exp.configFile });
    await stoppedInProduction(config, 'stopped');
    const stoppedRoot = join(exp.resultsDir, 'stopped');
    expect(existsSync(join(stoppedRoot, 'production'))).toBe(false);
    expect(existsSync(join(stoppedRoot, 'iterations/iter_0/training'))).toBe(true);
    const lines: LogRecord[] = [];
    await runWalkForward(config, { experiment: 'stopped', charts: false, onLog: (r) => lines.push(r) });
    expect(lines.find((r) => r.event === 'resume' && r.iteration === 0)?.step).toBeGreaterThanOrEqual(300);
    // The same seed and data: the resumed production model's weights are the uninterrupted run's.
    expect(Buffer.compare(await weightsOf(join(stoppedRoot, 'production/model.zip')), await weightsOf(join(root, 'production/model.zip')))).toBe(0);
  });

  test('a production training stopped before rows were appended starts over on the new newest window', async () => {
    const dir = join(tmp.dir, 'grows');
    mkdirSync(dir);
    const grows = smallExperiment(dir, { selection: { minScore: -1000 }, windows: { train: 300, validation: 100, test: 100, maxIterations: null } });
    const { config } = loadConfig({ configFile: grows.configFile });
    await stoppedInProduction(config, 'grows');
    const csv = readFileSync(grows.data, 'utf8').trim().split('\n');
    const last = Number(csv.at(-1)?.split(',')[1]);
    const dates = weekdayDates(csv.length - 1 + 100).slice(csv.length - 1);
    writeFileSync(grows.data, [...csv, ...dates.map((d, i) => `${d},${(last * (1 + 0.001 * Math.sin(i))).toFixed(6)}`)].join('\n') + '\n');
    const lines: LogRecord[] = [];
    const grown = await runWalkForward(config, { experiment: 'grows', charts: false, onLog: (r) => lines.push(r) });
    // Its checkpoints of the earlier data are not resumed from: the production window moved with the last bar.
    expect(lines.some((r) => r.event === 'resume' && r.iteration === 0)).toBe(false);
    expect(lines.some((r) => r.event === 'checkpoint-skipped' && /earlier version of the data/.test(r.msg))).toBe(true);
    expect(grown.production).toMatchObject({ status: 'model', data: { rows: 900, lastDate: dates.at(-1) }, window: { validation: { end: 900 } } });
  });

  test('another configuration tried on the same bars: wfo act and the kept card judge the study with both', async () => {
    const before = modelCardSchema.parse(JSON.parse(readFileSync(join(root, 'production/model_card.json'), 'utf8')));
    expect(before.evidence.luck.trials?.count).toBe(1);
    const { config } = loadConfig({ configFile: exp.configFile, sets: ['seed=99', 'production.enabled=false'] });
    await runWalkForward(config, { experiment: 'other-seed', charts: false });
    const answer = await act(root);
    expect(answer.luck.sentence).toMatch(/^Indistinguishable from chance: you have tried 2 configurations on these bars; /);
    expect(answer.warnings.some((w) => w.startsWith('the walk-forward study is indistinguishable from chance'))).toBe(true);
    // Run again, the study keeps its model and card, with the evidence the ledger gives now.
    const { config: same } = loadConfig({ configFile: exp.configFile });
    const again = await runWalkForward(same, { experiment: 'prod', charts: false });
    const card = modelCardSchema.parse(JSON.parse(readFileSync(join(root, 'production/model_card.json'), 'utf8')));
    expect(card.model).toEqual(before.model);
    expect(card.evidence.luck).toEqual(again.summary.luck);
    expect(card.evidence.luck.trials?.count).toBe(2);
    expect(card.warning).not.toBeNull();
    expect((await verifyExperiment(root, 'prod')).ok).toBe(true);
  });
});
