import {
  deflatedSharpeRatio,
  dsrFromSample,
  EULER_GAMMA,
  expectedMaxSharpe,
  probabilisticSharpeRatio,
  trialSharpeVariance,
} from '../../../src/analysis/luck/index.js';
import { expectClose, reference } from './fixture.js';

// Bailey & Lopez de Prado (2014), The Deflated Sharpe Ratio, numerical example: annualised SR 2.5 over 5 years
// of daily data (T = 1250, 250 a year), skewness -3, kurtosis 10, selected from N = 100 trials whose annualised
// Sharpes have variance 1/2. The paper prints SR0 = 0.1132 and DSR = 0.9004, and says N = 46 would have given
// 0.9505, as would N = 88 with normal returns. Note the units: the Sharpe divides by sqrt(250), its variance by 250.
const paper = { sharpe: 2.5 / Math.sqrt(250), bars: 1250, skewness: -3, kurtosis: 10 };
const paperVariance = 0.5 / 250;

describe('deflated Sharpe ratio', () => {
  test('reproduces the paper: SR0 = 0.1132 and DSR = 0.9004', () => {
    const out = dsrFromSample(paper, 100, paperVariance);
    expect(out.expectedMaxSharpe.toFixed(4)).toBe('0.1132');
    expect((out.dsr as number).toFixed(4)).toBe('0.9004');
  });

  test('reproduces the paper: N = 46 gives 0.9505, and so does N = 88 with normal moments', () => {
    expect((dsrFromSample(paper, 46, paperVariance).dsr as number).toFixed(4)).toBe('0.9505');
    const normal = { ...paper, skewness: 0, kurtosis: 3 };
    expect((dsrFromSample(normal, 88, paperVariance).dsr as number).toFixed(4)).toBe('0.9505');
  });

  test('hand-worked SR0: N = 2, V = 1 gives gamma * Phi^-1(1 - 1 / (2e)) = 0.57722 * 0.90045', () => {
    // Phi^-1(1 - 1/2) = 0, so only the gamma term is left: 0.5772157 * 0.9004526 = 0.5197553.
    expect(expectedMaxSharpe(2, 1)).toBeCloseTo(0.5197553, 7);
    expectClose(expectedMaxSharpe(2, 0.04), 0.2 * 0.5197553442805966, 1e-12);
    expect(EULER_GAMMA).toBeCloseTo(0.5772156649, 10);
  });

  test('N = 1 is no selection: SR0 = 0 and DSR equals PSR against 0', () => {
    expect(expectedMaxSharpe(1, 0.5)).toBe(0);
    const r = reference.series.returns;
    const dsr = deflatedSharpeRatio(r, { trials: 1, sharpeVariance: 0.002 });
    expect(dsr.expectedMaxSharpe).toBe(0);
    expect(dsr.dsr).toBe(probabilisticSharpeRatio(r).psr);
  });

  test('more trials raise the bar; a fractional count near 1 never lowers it below 0', () => {
    const bars = [2, 10, 100, 1000].map((n) => expectedMaxSharpe(n, 0.01));
    expect([...bars].sort((a, b) => a - b)).toEqual(bars);
    expect(expectedMaxSharpe(1.1, 0.01)).toBe(0);
    expect(expectedMaxSharpe(500, 0)).toBe(0);
    expect(() => expectedMaxSharpe(0.5, 0.01)).toThrow(RangeError);
  });

  test('matches the scipy recomputation on the reference series', () => {
    const ref = reference.series.dsr;
    const out = deflatedSharpeRatio(reference.series.returns, { trials: ref.trials, sharpeVariance: ref.sharpeVariance, periodsPerYear: 252 });
    expectClose(out.expectedMaxSharpe, ref.expectedMaxSharpe, 1e-13);
    expectClose(out.dsr, ref.dsr, 1e-12);
    expectClose(out.annualizedExpectedMaxSharpe, ref.expectedMaxSharpe * Math.sqrt(252), 1e-13);
  });

  test('a series without variance gives null with the reason', () => {
    expect(deflatedSharpeRatio([0.002, 0.002, 0.002], { trials: 10, sharpeVariance: 0.01 })).toMatchObject({ dsr: null, reason: 'zero variance' });
  });

  test('trialSharpeVariance is the ddof-1 variance, null below 2 trials', () => {
    // mean 0.2; deviations -0.1 0 0.1 -> sum of squares 0.02 over 2.
    expectClose(trialSharpeVariance([0.1, 0.2, 0.3]), 0.01, 1e-14);
    expect(trialSharpeVariance([0.3])).toBeNull();
  });
});
