import { readFileSync } from 'node:fs';

/** test/fixtures/luck-reference.json, written by scripts/luck-reference.py (numpy + scipy). */
export interface PboReference {
  name: string;
  matrix: number[][];
  partitions: number;
  barsDropped: number;
  combinations: number;
  pbo: number;
  logits?: number[];
  logitsHead?: number[];
  logitsSum?: number;
  degradationSlope: number;
  degradationIntercept: number;
  probabilityOfOosLoss: number;
}

export interface NeweyWestReference {
  lags: number;
  neweyWestT: number;
  neweyWestPValue: number;
  neweyWestPValueNormal: number;
  iidT: number;
  iidPValue: number;
  iidPValueNormal: number;
}

export interface LuckReference {
  generator: string;
  distributions: {
    normalCdf: Array<[number, number]>;
    normalQuantile: Array<[number, number]>;
    studentTCdf: Array<[number, number, number]>;
    studentTTwoSided: Array<[number, number, number]>;
    logGamma: Array<[number, number]>;
    regularizedBeta: Array<[number, number, number, number]>;
    regularizedGammaQ: Array<[number, number, number]>;
  };
  series: {
    returns: number[];
    benchmark: number[];
    moments: { mean: number; std: number; skewness: number; kurtosis: number; sharpe: number };
    psrAgainstZero: number;
    psrAgainst005: number;
    psrAgainstBenchmarkSeries: number;
    dsr: { trials: number; sharpeVariance: number; expectedMaxSharpe: number; dsr: number };
    neweyWest: NeweyWestReference[];
  };
  pbo: PboReference[];
}

export const reference = JSON.parse(readFileSync(new URL('../../fixtures/luck-reference.json', import.meta.url), 'utf8')) as LuckReference;

/** |actual - expected| <= tol * max(1, |expected|)-style check that reports both numbers on failure. */
export function expectClose(actual: number | null, expected: number, relTol: number, absTol = 0): void {
  expect(actual).not.toBeNull();
  const err = Math.abs((actual as number) - expected);
  const bound = Math.max(absTol, relTol * Math.abs(expected));
  if (!(err <= bound)) throw new Error(`expected ${expected}, got ${actual} (error ${err} > ${bound})`);
}
