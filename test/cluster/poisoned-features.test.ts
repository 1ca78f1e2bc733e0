/**
 * A feature expression that reaches for the file system, through the queue against a real Redis: a forged job with
 * such a feature is refused (its config is not the experiment's), and one whose config.json was rewritten to hold it
 * passes every check of the job and is refused by the feature check of the loader. Either way nothing outside is read
 * or written.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';
import type { PipelineConfig } from '../../src/config/schema.js';
import { resumeHash } from '../../src/walkforward/start/index.js';
import { runCli } from '../helpers/cli.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { payloadFor } from '../helpers/job-payload.js';
import { tempDir, writeFile } from '../helpers/temp.js';
import { ownRedis, testQueue } from './cluster-helpers.js';

const redis = ownRedis({ emptyAfterEach: true });
const tmp = tempDir('wfo-poisoned-');
afterAll(tmp.cleanup);

/** A finished one-iteration experiment, and the config of its second iteration with `features` laid over it. */
async function experiment(name: string, features: unknown[]) {
  mkdirSync(join(tmp.dir, name));
  const exp = smallExperiment(join(tmp.dir, name), { windows: { train: 300, validation: 100, test: 100, maxIterations: 1 } });
  expect((await runCli(walkforwardArgs(exp, 'x', '--quiet', '--no-charts'))).code).toBe(0);
  const honest = loadConfig({ configFile: exp.configFile }).config;
  const poisoned = { ...honest, windows: { ...honest.windows, maxIterations: 2 }, features } as PipelineConfig;
  return { exp, honest, poisoned };
}

async function runOneJob(resultsDir: string, payload: { id: string; payload: object }) {
  const { queue, close } = testQueue(redis.url);
  try {
    const job = await queue.add('poisoned', payload.payload, { jobId: payload.id, attempts: 2 });
    const worker = await runCli(['worker', '--redis', redis.url, '--results-dir', resultsDir, '--max-jobs', '1', '--quiet']);
    const found = await queue.getJob(job.id as string);
    return { worker, state: await found?.getState(), attempts: found?.attemptsMade, reason: found?.failedReason ?? '' };
  } finally {
    await close();
  }
}

describe('a poisoned feature in a queued job', () => {
  const canaryDir = () => {
    mkdirSync(join(tmp.dir, 'outside'), { recursive: true });
    return join(tmp.dir, 'outside');
  };

  test.each([
    ['reads a file', (canary: string) => `(SELECT count(*) FROM read_csv('${canary}'))`],
    [
      'writes a file in a second statement',
      (_canary: string, out: string) => `1) AS DOUBLE) AS x FROM bars; COPY (SELECT 42) TO '${out}'; SELECT CAST((1`,
    ],
  ])(
    'that %s is refused by the worker and nothing outside changes',
    async (kind, expression) => {
      const name = kind.replace(/\W+/g, '-');
      const canary = writeFile(canaryDir(), `canary-${name}.csv`, 'secret\n1\n');
      const written = join(canaryDir(), `written-${name}.csv`);
      const { exp, poisoned } = await experiment(name, [{ name: 'returns' }, { name: 'evil', sql: expression(canary, written) }]);
      const root = join(exp.resultsDir, 'x');

      // Forged: the job's config is not the one config.json records.
      const forged = await runOneJob(exp.resultsDir, payloadFor(poisoned, 'x', 2, { iterations: 2 }));
      expect([forged.state, forged.attempts]).toEqual(['failed', 1]);
      expect(forged.reason).toMatch(/refused iteration 2 of x: its config hashes to \w+\.\.\., not to the \w+\.\.\. it names/);

      // Rewritten: config.json itself holds the poisoned config, so every check of the job passes and DuckDB runs it.
      const record = JSON.parse(readFileSync(join(root, 'config.json'), 'utf8'));
      writeFileSync(join(root, 'config.json'), JSON.stringify({ ...record, config: poisoned, configHash: resumeHash(poisoned, false) }));
      const reached = await runOneJob(exp.resultsDir, payloadFor(poisoned, 'x', 2, { iterations: 2 }));
      expect([reached.state, reached.attempts]).toEqual(['failed', 1]);
      expect(reached.worker.stdout).toMatch(/refused job \S+: Invalid configuration:/);
      expect(reached.reason).toMatch(/features\[1\] \(evil\): (it holds a subquery|the expression holds a second statement)/);
      expect(existsSync(join(root, 'iterations', 'iter_2'))).toBe(false);
      expect(readFileSync(canary, 'utf8')).toBe('secret\n1\n');
      expect(existsSync(written)).toBe(false);
    },
    120_000,
  );
});
