import { trialDeflation } from '../../src/analysis/luck/index.js';
import { countedTrials, searchKey } from '../../src/analysis/trial-search.js';
import type { LedgerTrial } from '../../src/records/index.js';

// The DSR paper's example (Bailey and Lopez de Prado 2014): annualised SR 2.5 over 1,250 daily bars, skewness -3,
// kurtosis 10, the best of N = 100 trials whose annualised Sharpes have variance 1/2: DSR 0.9004, SR0 0.1132 per bar.
const paper = { sharpe: 2.5 / Math.sqrt(250), bars: 1250, skewness: -3, kurtosis: 10 };
/** 100 per-bar Sharpes around 0 whose sample variance is the paper's 0.5 / 250. */
const hundred = Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1) * Math.sqrt(((0.5 / 250) * 99) / 100));

describe('trialDeflation', () => {
  test("K trials with the paper's spread give the paper's numbers", () => {
    const d = trialDeflation(paper, hundred, 250);
    expect(d.count).toBe(100);
    expect(d.sharpeVariance as number).toBeCloseTo(0.5 / 250, 12);
    expect((d.expectedMaxSharpe as number).toFixed(4)).toBe('0.1132');
    expect(d.annualizedExpectedMaxSharpe as number).toBeCloseTo((d.expectedMaxSharpe as number) * Math.sqrt(250), 12);
    expect((d.dsr as number).toFixed(4)).toBe('0.9004');
  });

  test('one configuration is no search: no variance, no DSR, and it says why', () => {
    const d = trialDeflation(paper, [paper.sharpe], 250);
    expect(d).toMatchObject({ count: 1, sharpeVariance: null, dsr: null, expectedMaxSharpe: null, reason: 'fewer than 2 configurations tried' });
    expect(d.annualizedBestSharpe as number).toBeCloseTo(2.5, 12);
  });
});

const trial = (over: Partial<LedgerTrial>): LedgerTrial => ({
  kind: 'trial',
  experiment: 'e',
  study: null,
  configHash: 'a'.repeat(64),
  seed: 1,
  dataSha256: 'd'.repeat(64),
  dataPath: 'data.csv',
  testSegments: [
    [100, 200],
    [200, 300],
  ],
  firstTestDate: null,
  lastTestDate: null,
  bars: 200,
  sharpe: 0.05,
  mean: 0.0005,
  std: 0.01,
  skewness: 0,
  kurtosis: 3,
  periodsPerYear: 252,
  finishedAt: '2026-12-03T00:00:00.000Z',
  ...over,
});

describe('countedTrials', () => {
  const ledger = { name: 'default', file: '../_ledgers/default.jsonl' };

  test('a configuration counts once with its latest result; other data or other test bars are other searches', () => {
    const run = trial({ experiment: 'mine', configHash: 'b'.repeat(64), sharpe: 0.08 });
    const lines = [
      trial({ experiment: 'x', sharpe: 0.2 }),
      trial({ experiment: 'x-again', sharpe: -0.02 }),
      trial({ experiment: 'seed-2', seed: 2, sharpe: 0.01 }),
      trial({ experiment: 'never-traded', configHash: 'c'.repeat(64), sharpe: null, skewness: null, kurtosis: null }),
      trial({ experiment: 'other-data', configHash: 'e'.repeat(64), dataSha256: 'f'.repeat(64), sharpe: 0.9 }),
      trial({ experiment: 'other-bars', configHash: 'e'.repeat(64), testSegments: [[100, 300]], sharpe: 0.9 }),
      run,
    ];
    const t = countedTrials(lines, run, ledger);
    // x (latest: -0.02), seed 2, never-traded (as 0) and mine: four configurations, five lines of this search.
    expect(t).toMatchObject({ ledger: 'default', file: ledger.file, count: 4, runs: 5 });
    const expected = trialDeflation({ sharpe: 0.08, bars: 200, skewness: 0, kurtosis: 3 }, [-0.02, 0.01, 0, 0.08], 252);
    expect(t.sharpeVariance).toBe(expected.sharpeVariance);
    expect(t.dsr).toBe(expected.dsr);
    expect(t.annualizedBestSharpe as number).toBeCloseTo(0.08 * Math.sqrt(252), 12);
  });

  test('the run counts also before its line is in the ledger', () => {
    const run = trial({ experiment: 'mine', configHash: 'b'.repeat(64) });
    expect(countedTrials([trial({})], run, ledger)).toMatchObject({ count: 2, runs: 2 });
    expect(countedTrials([], run, ledger)).toMatchObject({ count: 1, dsr: null });
  });

  test('searches are keyed by the data and every test segment', () => {
    expect(searchKey(trial({}))).toBe(searchKey(trial({ experiment: 'z', seed: 9 })));
    expect(searchKey(trial({}))).not.toBe(searchKey(trial({ testSegments: [[100, 200]] })));
  });
});
