import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { studySummarySchema } from '../../src/records/index.js';
import { analyzeStudy } from '../../src/cluster/study.js';
import { waitForOutput } from '../helpers/cli.js';
import { smallExperiment } from '../helpers/experiment.js';
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
  const report = readFileSync(join(studyDir, 'study_report.html'), 'utf8');
  for (const id of ids) expect(report).toContain(`<td>${id}</td>`);
  expect(report).toMatch(/Deflated Sharpe ratio/);
  for (const id of ids) expect(existsSync(join(studyDir, id, 'oos_returns.csv'))).toBe(true);
  const again = await analyzeStudy(studyDir);
  expect({ ...again, createdAt: '' }).toEqual({ ...summary, createdAt: '' });
});
