/**
 * The second algorithm through the whole pipeline, as a user runs it: agent.algorithm linear on two worker threads
 * (records, luck statistics, plots, report), then cleanup; and on the BullMQ queue, to the same results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectBackend } from '../../src/backend/select-backend.js';
import { QueueExecutor } from '../../src/cluster/queue-executor.js';
import { runClusterWorker } from '../../src/cluster/worker-runner.js';
import { loadConfig } from '../../src/config/load-config.js';
import { iterationRecordSchema, runConfigSchema, walkforwardSummarySchema } from '../../src/records/index.js';
import { runWalkForward } from '../../src/walkforward/run/index.js';
import { runCli } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
import { resultsFingerprint } from '../helpers/fingerprint.js';
import { tempDir } from '../helpers/temp.js';
import { ownRedis } from '../cluster/cluster-helpers.js';

const tmp = tempDir('wfo-linear-');
const exp = smallExperiment(tmp.dir, {
  agent: { algorithm: 'linear' },
  selection: { minScore: -1000 },
  windows: { train: 300, validation: 100, test: 100, maxIterations: 3 },
  saving: { nImageSaves: 3 },
});
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as unknown;

const redis = ownRedis();
afterAll(() => tmp.cleanup());

test('wfo walkforward --set agent.algorithm=linear on two workers: records name the algorithm, luck statistics, plots and report; cleanup prunes', async () => {
  const run = await runCli(['walkforward', '--experiment', 'lin', '--config', exp.configFile, '--workers', '2']);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.stdout).toMatch(/Agent: linear: ridge regression/);
  const root = join(exp.resultsDir, 'lin');
  expect((runConfigSchema.parse(read(join(root, 'config.json'))).config.agent as { algorithm: string }).algorithm).toBe('linear');
  const summary = walkforwardSummarySchema.parse(read(join(root, 'walkforward_summary.json')));
  expect(summary.qualified).toBe(3);
  expect(summary.luck.verdict).toMatch(/from chance$/);
  const record = iterationRecordSchema.parse(read(join(root, 'checkpoints', 'metrics_iter_1.json')));
  expect(record.kind).toBe('model');
  // The linear agent reports no diagnostics; its updates are the transitions it learned from.
  expect(record.training.diagnostics).toEqual({});
  expect(record.training.updates).toBe(record.training.timesteps);
  for (const file of ['report.html', 'visualizations/equity.png', 'visualizations/iter_001.png']) expect(existsSync(join(root, file))).toBe(true);

  const cleanup = await runCli(['cleanup', '--experiment', 'lin', '--results-dir', exp.resultsDir, '--keep-last', '1', '--no-keep-best']);
  expect(cleanup.code).toBe(0);
  expect(existsSync(join(root, 'checkpoints', 'model_iter_1.zip'))).toBe(false);
  expect(existsSync(join(root, 'checkpoints', 'model_iter_3.zip'))).toBe(true);
  const verify = await runCli(['verify', '--experiment', 'lin', '--results-dir', exp.resultsDir]);
  expect(verify.code).toBe(0);
});

test('agent.algorithm linear on the queue gives the results of a run on this thread', async () => {
  await selectBackend('wasm');
  const { config } = loadConfig({ configFile: exp.configFile });
  await runWalkForward(config, { experiment: 'here', charts: false });
  const controller = new AbortController();
  const worker = runClusterWorker({ redisUrl: redis.url, resultsDir: exp.resultsDir, signal: controller.signal });
  try {
    await runWalkForward(config, { experiment: 'queued', charts: false, executor: new QueueExecutor({ redisUrl: redis.url, pollMs: 100 }) });
  } finally {
    controller.abort('SIGTERM');
    await worker;
  }
  expect(await resultsFingerprint(join(exp.resultsDir, 'queued'))).toEqual(await resultsFingerprint(join(exp.resultsDir, 'here')));
});
