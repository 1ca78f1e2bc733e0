import { join } from 'node:path';
import { luckVerdict, DEFAULT_VERDICT_THRESHOLDS } from '../../src/analysis/luck/index.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { loadConfig } from '../../src/config/load-config.js';
import { writeSyntheticMarket } from '../../src/markets/synthetic-file.js';
import { iterationRecordSchema, walkforwardSummarySchema } from '../../src/records/index.js';
import { runWalkForward } from '../../src/walkforward/run/index.js';
import { readFileSync, readdirSync } from 'node:fs';
import { tempDir } from '../helpers/temp.js';

/** The default walk-forward on a synthetic market written by the library (what `wfo synth` writes). */
async function defaultRun(dir: string, id: string, phi: number, seed: number) {
  const file = join(dir, `${id}.csv`);
  const market = await writeSyntheticMarket(file, {
    params: { kind: 'ar1', phi },
    bars: 2500,
    seed,
    env: { costBps: 10, slippageBps: 0, allowShort: true },
  });
  const { config } = loadConfig({ sets: [`data.path=${file}`, `resultsDir=${join(dir, 'results')}`] });
  const { summary, paths } = await runWalkForward(config, { experiment: id, charts: false });
  const records = readdirSync(paths.checkpoints)
    .filter((f) => f.endsWith('.json'))
    .map((f) => iterationRecordSchema.parse(JSON.parse(readFileSync(join(paths.checkpoints, f), 'utf8'))));
  return { summary: walkforwardSummarySchema.parse(summary), records, oracle: market.sidecar.oracle.sharpe as number };
}

describe('default settings learn where there is signal and say so only then', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  beforeAll(() => selectBackend('wasm'));

  test('AR(1) 0.4 with 10 bps costs: more than half the oracle Sharpe out of sample, distinguishable from chance, no untrained model kept', async () => {
    const { summary, records, oracle } = await defaultRun(tmp.dir, 'signal', 0.4, 5);
    for (const r of records) {
      expect(r.selection.untrained).toMatchObject({ step: 0, updates: 0 });
      expect(r.selection.candidates.length).toBeGreaterThan(0);
      for (const c of r.selection.candidates) expect(c.updates).toBeGreaterThan(0);
    }
    expect(summary.stitched.strategy.sharpe as number).toBeGreaterThan(0.5 * oracle);
    expect(summary.stitched.strategy.sharpe as number).toBeGreaterThan(summary.stitched.buyAndHold.sharpe as number);
    const l = summary.luck;
    expect(l.psr.vsZero.psr as number).toBeGreaterThan(0.95);
    expect(l.verdict).toBe('distinguishable from chance');
    // The verdict is the one its own numbers give, the Newey-West p-value taken one-sided (a mean above 0).
    const t = l.significance.neweyWestT as number;
    expect(t).toBeGreaterThan(0);
    const again = luckVerdict(
      { psr: l.psr.vsZero.psr, neweyWestPValue: (l.significance.neweyWestPValue as number) / 2, chancePercentile: l.chance.keptPercentile },
      DEFAULT_VERDICT_THRESHOLDS,
    );
    expect(again.sentence).toBe(l.sentence);
    // The only configuration in its ledger: no search to deflate for, and the summary says which ledger it counted.
    expect(l.trials).toMatchObject({ ledger: 'default', count: 1 });
  }, 120_000);

  test('a random walk: indistinguishable from chance, with a PSR against 0 far from 0.95', async () => {
    const { summary } = await defaultRun(tmp.dir, 'walk', 0, 5);
    expect(summary.luck.verdict).toBe('indistinguishable from chance');
    expect(summary.luck.psr.vsZero.psr as number).toBeLessThan(0.9);
    expect(summary.luck.sentence).toMatch(/^Indistinguishable from chance: /);
  }, 120_000);
});
