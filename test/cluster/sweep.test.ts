import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { studySummarySchema } from '../../src/records/index.js';
import { analyzeStudy } from '../../src/cluster/study.js';
import { runCli, waitForOutput } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { tempDir } from '../helpers/temp.js';
import { ownRedis, start, startWorker, stop } from './cluster-helpers.js';

const temp = tempDir('wfo-sweep-');

const redis = ownRedis();
afterAll(() => temp.cleanup());

test('a sweep of 2 settings x 3 seeds runs through two workers, survives a SIGKILLed worker, and its summary and report show every point', async () => {
  const dir = join(temp.dir, 'study');
  mkdirSync(dir, { recursive: true });
  const exp = smallExperiment(dir, { windows: { train: 300, validation: 100, test: 100, maxIterations: 2 } });
  const sweepFile = join(dir, 'lr.yaml');
  writeFileSync(sweepFile, ['study: lr', 'base: config.json', 'grid:', '  agent.learningRate: [0.0001, 0.0003]', '  seed: [1, 2, 3]', ''].join('\n'));
  // A run of its own before the sweep, on the same data and test bars: the sweep's trials count it too.
  const before = await runCli(walkforwardArgs(exp, 'before', '--seed', '9', '--quiet', '--no-charts', '--workers', '1'));
  expect(before.code).toBe(0);
  const sweep = start(['sweep', '--config', sweepFile, '--redis', redis.url, '--no-charts']);
  const first = startWorker(redis.url, exp.resultsDir);
  const second = startWorker(redis.url, exp.resultsDir);
  await waitForOutput(first.child, /: started \(job/);
  first.child.kill('SIGKILL');
  await first.done;
  const third = startWorker(redis.url, exp.resultsDir);
  const done = await sweep.done;
  await Promise.all([stop(second), stop(third)]);
  expect(done.stderr).toBe('');
  expect(done.code).toBe(0);
  const ids = [
    'learningRate-0.0001_seed-1',
    'learningRate-0.0001_seed-2',
    'learningRate-0.0001_seed-3',
    'learningRate-0.0003_seed-1',
    'learningRate-0.0003_seed-2',
    'learningRate-0.0003_seed-3',
  ];
  const studyDir = join(exp.resultsDir, 'lr');
  const summary = studySummarySchema.parse(JSON.parse(readFileSync(join(studyDir, 'study_summary.json'), 'utf8')));
  expect(summary.points.map((p) => [p.id, p.status, p.iterations])).toEqual(ids.map((id) => [id, 'finished', 2]));
  expect(summary.points.map((p) => p.seed)).toEqual([1, 2, 3, 1, 2, 3]);
  expect(summary.seedSpread.map((g) => [g.settings, g.seeds])).toEqual([
    [{ 'agent.learningRate': 0.0001 }, [1, 2, 3]],
    [{ 'agent.learningRate': 0.0003 }, [1, 2, 3]],
  ]);
  expect(summary.trials.count).toBe(6);
  expect(summary.trials.sharpeVariance).not.toBeNull();
  expect(summary.trials.pbo.bars).toBe(200);
  // The trial ledger beside the study counts the six points and the run before them, and judges the best point by them.
  const ledger = readFileSync(join(exp.resultsDir, '_ledgers', 'default.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l));
  expect(ledger.map((l) => [l.study, l.experiment]).sort()).toEqual([[null, 'before'], ...ids.map((id) => ['lr', id])].sort());
  expect(summary.ledger).toMatchObject({ point: summary.trials.best, trials: { ledger: 'default', count: 7, runs: 7 } });
  expect(summary.ledger?.sentence).toContain('you have tried 7 configurations on these bars');
  const report = readFileSync(join(studyDir, 'study_report.html'), 'utf8');
  for (const id of ids) expect(report).toContain(`<td>${id}</td>`);
  expect(report).toMatch(/Deflated Sharpe ratio/);
  expect(report).toContain(`data-verdict="${summary.ledger?.verdict}"`);
  for (const id of ids) expect(existsSync(join(studyDir, id, 'oos_returns.csv'))).toBe(true);
  const again = await analyzeStudy(studyDir);
  expect({ ...again, createdAt: '' }).toEqual({ ...summary, createdAt: '' });
});
