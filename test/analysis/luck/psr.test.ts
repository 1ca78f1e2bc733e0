import { minTrackRecordLength, normalCdf, probabilisticSharpeRatio, psrAgainstBenchmark, psrFromSample } from '../../../src/analysis/luck/index.js';
import { expectClose, reference } from './fixture.js';

describe('probabilistic Sharpe ratio', () => {
  test('hand-worked: SR 0.1 over 401 normal bars against 0', () => {
    // z = 0.1 * sqrt(400) / sqrt(1 - 0 + (3 - 1) / 4 * 0.01) = 2 / sqrt(1.005) = 1.995027; Phi(z) = 0.976980.
    const out = psrFromSample({ sharpe: 0.1, bars: 401, skewness: 0, kurtosis: 3 });
    expectClose(out.z, 2 / Math.sqrt(1.005), 1e-15);
    expect(out.psr).toBeCloseTo(0.97698, 5);
  });

  test('an observed Sharpe equal to the benchmark gives 1/2, and negative skew with fat tails lowers PSR', () => {
    expect(psrFromSample({ sharpe: 0.2, bars: 300, skewness: 0, kurtosis: 3 }, 0.2).psr).toBe(0.5);
    const clean = psrFromSample({ sharpe: 0.1, bars: 500, skewness: 0, kurtosis: 3 }).psr as number;
    const tails = psrFromSample({ sharpe: 0.1, bars: 500, skewness: -1.5, kurtosis: 9 }).psr as number;
    expect(tails).toBeLessThan(clean);
  });

  // Bailey & Lopez de Prado (2012), The Sharpe Ratio Efficient Frontier: the appendix example (annualised SR 2
  // from monthly data against a benchmark of 1, skewness -0.72, kurtosis 5.78) needs 59.895 months at 95%, and
  // the IID normal figures for SR 2 against 1 at 95% need 2.73 years of daily, 2.83 of weekly and 3.24 of
  // monthly data.
  test('reproduces the paper: MinTRL = 59.895 months, and PSR at that length is 0.95', () => {
    const sample = { sharpe: 2 / Math.sqrt(12), skewness: -0.72, kurtosis: 5.78 };
    const minTrl = minTrackRecordLength(sample, 1 / Math.sqrt(12)).bars as number;
    expect(minTrl.toFixed(3)).toBe('59.895');
    expect(psrFromSample({ ...sample, bars: minTrl }, 1 / Math.sqrt(12)).psr).toBeCloseTo(0.95, 12);
  });

  test.each([
    [252, '2.73'],
    [52, '2.83'],
    [12, '3.24'],
  ])('reproduces the paper: %p periods a year need %s years', (periods, years) => {
    const k = Math.sqrt(periods);
    const bars = minTrackRecordLength({ sharpe: 2 / k, skewness: 0, kurtosis: 3 }, 1 / k).bars as number;
    expect((bars / periods).toFixed(2)).toBe(years);
  });

  test('a Sharpe that does not beat the benchmark has no minimum track record length', () => {
    expect(minTrackRecordLength({ sharpe: 0.05, skewness: 0, kurtosis: 3 }, 0.05)).toMatchObject({ bars: null });
  });

  test('matches the scipy recomputation on the reference series, against 0 and against 0.05', () => {
    const r = reference.series.returns;
    expectClose(probabilisticSharpeRatio(r).psr, reference.series.psrAgainstZero, 1e-12);
    expectClose(probabilisticSharpeRatio(r, { benchmarkSharpe: 0.05 }).psr, reference.series.psrAgainst005, 1e-12);
  });

  test('annualised copies scale by sqrt(periodsPerYear) and the formula stays per bar', () => {
    const r = reference.series.returns;
    const perBar = probabilisticSharpeRatio(r, { benchmarkSharpe: 0.02 });
    const annual = probabilisticSharpeRatio(r, { benchmarkSharpe: 0.02, periodsPerYear: 252 });
    expect(annual.psr).toBe(perBar.psr);
    expectClose(annual.annualizedSharpe, (perBar.sharpe as number) * Math.sqrt(252), 1e-15);
    expectClose(annual.annualizedBenchmarkSharpe, 0.02 * Math.sqrt(252), 1e-15);
    expect(perBar.annualizedSharpe).toBeNull();
  });

  test('undefined cases are null with a reason', () => {
    expect(probabilisticSharpeRatio([0.01])).toMatchObject({ psr: null, reason: 'needs at least 2 bars' });
    expect(probabilisticSharpeRatio([0.01, 0.01, 0.01])).toMatchObject({ psr: null, reason: 'zero variance' });
    const bad = psrFromSample({ sharpe: 0.5, bars: 100, skewness: 5, kurtosis: 3 });
    expect(bad.psr).toBeNull();
    expect(bad.reason).toMatch(/not positive/);
  });
});

describe('psrAgainstBenchmark', () => {
  test('is the PSR against 0 of the excess returns (scipy recomputation)', () => {
    const out = psrAgainstBenchmark(reference.series.returns, reference.series.benchmark, { periodsPerYear: 252 });
    expectClose(out.psr, reference.series.psrAgainstBenchmarkSeries, 1e-12);
    expect(out.benchmarkSharpe).toBe(0);
  });

  test('hand-worked: excess returns [0.01, -0.01, 0.02, 0] give SR 0.5 / sqrt(5/3) over 4 bars', () => {
    // excess mean 0.005, deviations 0.005 -0.015 0.015 -0.005: sum of squares 5e-4, std sqrt(5e-4 / 3);
    // m2 = 1.25e-4, m3 = 0, so skewness 0; m4 = (2 * 0.005^4 + 2 * 0.015^4) / 4 = 2.5625e-8, kurtosis 1.64.
    const strategy = [0.02, 0, 0.03, 0.01];
    const benchmark = [0.01, 0.01, 0.01, 0.01];
    const sr = 0.005 / Math.sqrt(5e-4 / 3);
    const z = (sr * Math.sqrt(3)) / Math.sqrt(1 + ((1.64 - 1) / 4) * sr * sr);
    expectClose(psrAgainstBenchmark(strategy, benchmark).psr, normalCdf(z), 1e-12);
  });

  test('a strategy that is the benchmark plus a constant has zero-variance excess: null with the reason', () => {
    const b = reference.series.benchmark;
    expect(
      psrAgainstBenchmark(
        b.map((x) => x + 0.001),
        b,
      ),
    ).toMatchObject({ psr: null, reason: 'zero variance' });
    expect(() => psrAgainstBenchmark([0.01, 0.02], [0.01])).toThrow(RangeError);
  });
});
