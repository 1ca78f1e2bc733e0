import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { finishedExperiment } from '../helpers/finished-experiment.js';
import { tempDir } from '../helpers/temp.js';

describe('list, analyze, experiments, evaluate, cleanup (real CLI)', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  let results: string;
  let best: number;

  beforeAll(async () => {
    const exp = await finishedExperiment(tmp.dir);
    results = exp.resultsDir;
    best = exp.summary.bestIteration as number;
  });

  test('list shows every iteration with BEST and LATEST marks and a footer; --json gives the flat records', async () => {
    const r = await runCli(['list', '--experiment', 'managed', '--results-dir', results]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^iter\s+status\s+val sharpe\s+test sharpe\s+test return\s+size\s+date\s+file/);
    expect(lines.find((l) => l.startsWith(`${best} `))).toMatch(/BEST/);
    expect(lines.find((l) => l.startsWith('4 '))).toMatch(/LATEST/);
    expect(lines.at(-1)).toMatch(/^4 iterations: 4 with a model, 0 placeholders, 0 pruned; [\d.]+ KiB on disk; latest iteration 4; best \d/);
    const detailed = await runCli(['list', '--experiment', 'managed', '--results-dir', results, '--detailed']);
    expect(detailed.stdout).toMatch(/sha256\s+train\s+test/);
    expect(detailed.stdout).toMatch(/\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d/);
    const json = JSON.parse((await runCli(['list', '--experiment', 'managed', '--results-dir', results, '--json'])).stdout);
    expect(json.records).toHaveLength(4);
    expect(Object.values(json.records[0]).every((v) => v === null || typeof v !== 'object')).toBe(true);
  });

  test('analyze prints the spread of scores, best iterations, trend, correlation and the out-of-sample result', async () => {
    const r = await runCli(['analyze', '--experiment', 'managed', '--results-dir', results]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/4 iterations, 4 with a model, 0 without/);
    expect(r.stdout).toMatch(/test sharpe\s+4\s/);
    expect(r.stdout).toMatch(new RegExp(`Best iteration by validation: ${best}`));
    expect(r.stdout).toMatch(/Correlation validation vs test sharpe: -?\d/);
    expect(r.stdout).toMatch(/Out of sample \(400 bars\): sharpe/);
    const json = JSON.parse((await runCli(['analyze', '--experiment', 'managed', '--results-dir', results, '--json'])).stdout);
    expect(json.analysis.withModel).toBe(4);
    expect(json.outOfSample.bars).toBe(400);
  });

  test('experiments lists each experiment with its status and size', async () => {
    cpSync(join(results, 'managed'), join(results, 'copy'), { recursive: true });
    const r = await runCli(['experiments', '--results-dir', results, '--json']);
    const rows = JSON.parse(r.stdout);
    expect(rows.map((x: { experiment: string; status: string }) => [x.experiment, x.status])).toEqual([
      ['copy', 'finished'],
      ['managed', 'finished'],
    ]);
    expect(rows[0].sizeBytes).toBeGreaterThan(0);
  });

  test('evaluate runs a preserved model on its test segment (same numbers as its record) and on any slice', async () => {
    const record = (await import(join(results, 'managed', 'checkpoints', 'metrics_iter_2.json'), { with: { type: 'json' } })).default;
    const r = JSON.parse((await runCli(['evaluate', '--experiment', 'managed', '--results-dir', results, '--iteration', '2', '--json'])).stdout);
    expect(r.from).toBe(record.window.test.start);
    expect(r.strategy.sharpe).toBeCloseTo(record.metrics.test.sharpe, 10);
    expect(r.buyAndHold.totalReturn).toBeCloseTo(record.buyAndHold.test.totalReturn, 10);
    const slice = await runCli([
      'evaluate',
      '--experiment',
      'managed',
      '--results-dir',
      results,
      '--iteration',
      '2',
      '--from',
      '2002-01-01',
      '--to',
      '2002-06-01',
    ]);
    expect(slice.code).toBe(0);
    expect(slice.stdout).toMatch(/rows \[\d+, \d+\) \(2002-01-01\.\.2002-05-31\)/);
    expect(slice.stdout).toMatch(/^model\s/m);
    expect(slice.stdout).toMatch(/^buy-and-hold\s/m);
    const none = await runCli(['evaluate', '--experiment', 'managed', '--results-dir', results, '--iteration', '9']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/iteration 9 is not in .*; it has iterations 1, 2, 3, 4/);
  });

  test('cleanup --dry-run prints the plan; cleanup prunes and list marks the pruned, still with their metrics', async () => {
    const cleanup = ['cleanup', '--experiment', 'copy', '--results-dir', results, '--keep-every', '5', '--keep-last', '1', '--no-keep-best'];
    const dry = await runCli([...cleanup, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Keeping 1 of 4 preserved models \(newest or keepEvery\(5\) or keepLast\(1\)\)/);
    expect(dry.stdout).toMatch(/would remove iteration 1/);
    expect(dry.stdout).toMatch(/Dry run: would free [\d.]+ KiB; nothing changed/);
    const real = await runCli(cleanup);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/Freed [\d.]+ KiB; journal: .*cleanup_journal\.jsonl/);
    const list = await runCli(['list', '--experiment', 'copy', '--results-dir', results]);
    expect(list.stdout.match(/ pruned /g)).toHaveLength(3);
    expect(list.stdout).toMatch(/^1\s+pruned\s+-?\d+\.\d{3}\s+-?\d+\.\d{3}/m);
    const noFlags = await runCli(['cleanup', '--experiment', 'copy', '--results-dir', results]);
    expect(noFlags.code).toBe(2);
  });
});
