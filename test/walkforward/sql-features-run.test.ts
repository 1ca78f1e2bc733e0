import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readZip } from '../../src/store/zip-store.js';
import { runCli } from '../helpers/cli.js';
import { resultsFingerprint } from '../helpers/fingerprint.js';
import { ownRedis, start, startWorker, stop } from '../cluster/cluster-helpers.js';
import { smallExperiment, walkforwardArgs } from '../helpers/experiment.js';
import { ar1Prices } from '../helpers/synthetic.js';
import { killAtCheckpointAndResume } from '../helpers/kill-resume.js';
import { tempDir } from '../helpers/temp.js';
import { toParquet } from '../helpers/parquet.js';

/** Two instruments of OHLCV in long format, 800 business days; AAA follows an AR(1) path. */
function ohlcv(path: string): void {
  const a = ar1Prices(800, 0.4, 0.01, 21);
  const b = ar1Prices(800, -0.2, 0.012, 22);
  const rows = ['date,symbol,open,high,low,close,volume'];
  for (let i = 0; i < 800; i++) {
    const date = new Date(Date.UTC(2010, 0, 4) + i * 86_400_000).toISOString().slice(0, 10);
    for (const [symbol, p] of [
      ['AAA', a[i]],
      ['BBB', b[i]],
    ] as const) {
      rows.push(`${date},${symbol},${p.toFixed(6)},${(p * 1.01).toFixed(6)},${(p * 0.99).toFixed(6)},${p.toFixed(6)},${1000 + ((i * 37) % 500)}`);
    }
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
}

const FEATURES = [
  { name: 'returns' },
  { name: 'volatility', window: 10 },
  { name: 'mom_10', sql: 'close / lag(close, 10) OVER w - 1' },
  { name: 'range', sql: '(high - low) / close' },
  { name: 'mom_rank', sql: 'rank() OVER (PARTITION BY date ORDER BY mom_10)' },
];

describe('a run on OHLCV input with features that mix built-ins and SQL', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const redis = ownRedis();
  const setup = () => {
    const data = join(tmp.dir, 'ohlcv.csv');
    ohlcv(data);
    return smallExperiment(tmp.dir, {
      data: { path: data, symbol: 'AAA' },
      features: FEATURES,
      training: { timesteps: 600, evalFreq: 300 },
      selection: { minScore: -1000 },
      saving: { nModelSaves: 30 },
    });
  };
  const args = (id: string, ...more: string[]) => walkforwardArgs(exp, id, '--quiet', '--no-charts', ...more);
  let exp: ReturnType<typeof setup>;
  let reference: Record<string, unknown>;
  beforeAll(() => {
    exp = setup();
  });

  test('trains end to end, records the features in config.json and in every model, and evaluates a preserved model on them', async () => {
    const run = await runCli(args('feat', '--workers', '1'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const root = join(exp.resultsDir, 'feat');
    reference = await resultsFingerprint(root);
    const recorded = JSON.parse(readFileSync(join(root, 'config.json'), 'utf8'));
    expect(recorded.config.features).toEqual(FEATURES);
    expect(recorded.data.symbol).toBe('AAA');
    expect(recorded.featureGate).toMatchObject({ features: ['returns', 'volatility', 'mom_10', 'range', 'mom_rank'], verdict: 'passed' });
    expect(recorded.featureGate.cuts.length).toBeGreaterThanOrEqual(6);
    const report = readFileSync(join(root, 'report.html'), 'utf8');
    expect(report).toContain(
      `returns, volatility, mom_10, range, mom_rank: look-ahead gate passed at ${recorded.featureGate.cuts.length} cuts (${recorded.featureGate.cuts.join(', ')})`,
    );
    const models = readdirSync(join(root, 'checkpoints')).filter((f) => /^model_iter_\d+\.zip$/.test(f));
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) {
      const metadata = JSON.parse((await readZip(join(root, 'checkpoints', model)))['metadata.json'].toString('utf8'));
      expect(metadata.observation.features).toEqual(FEATURES);
      // 8 returns (env.lookback), volatility_10 and the three SQL features, then the position.
      expect(metadata.observationDim).toBe(8 + 1 + 3 + 1);
      expect(metadata.observation.standardization.groups).toEqual(['logReturn', 'volatility_10', 'mom_10', 'range', 'mom_rank']);
    }
    const iteration = Number(/(\d+)/.exec(models[0])?.[1]);
    const evaluated = await runCli(['evaluate', '--experiment', 'feat', '--results-dir', exp.resultsDir, '--iteration', String(iteration), '--json']);
    expect(evaluated.code).toBe(0);
    const record = JSON.parse(readFileSync(join(root, 'checkpoints', `metrics_iter_${iteration}.json`), 'utf8'));
    expect(JSON.parse(evaluated.stdout).strategy.sharpe).toBeCloseTo(record.metrics.test.sharpe, 10);
  });
  test('the same panel as Parquet gives byte-identical results', async () => {
    const parquet = join(tmp.dir, 'ohlcv.parquet');
    await toParquet(join(tmp.dir, 'ohlcv.csv'), parquet);
    const run = await runCli(args('parquet', '--workers', '1', '--data', parquet));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await resultsFingerprint(join(exp.resultsDir, 'parquet'))).toEqual(reference);
  }, 120_000);

  test('two worker threads, and a coordinator with a queue worker over Redis, give the same results', async () => {
    const threads = await runCli(args('threads', '--workers', '2'));
    expect({ code: threads.code, stderr: threads.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await resultsFingerprint(join(exp.resultsDir, 'threads'))).toEqual(reference);
    const worker = startWorker(redis.url, exp.resultsDir);
    try {
      const queued = await start(args('queued', '--redis', redis.url)).done;
      expect({ code: queued.code, stderr: queued.stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      await stop(worker);
    }
    expect(await resultsFingerprint(join(exp.resultsDir, 'queued'))).toEqual(reference);
  }, 180_000);

  test('a SIGKILL in the middle of training resumes to the same results', async () => {
    const run = await killAtCheckpointAndResume(args('killed', '--workers', '1'), exp.resultsDir, 'killed');
    expect(run).toEqual({ signal: 'SIGKILL', exit: { code: 0, stderr: '' }, resumedIterations: [1], fingerprint: reference });
  }, 180_000);
});
