import type { CheckpointAnalysis, IterationRecord } from '../results/schemas.js';
import { correlation, describe, slope } from './statistics.js';

/** How preserved models did across iterations: spread of scores, trend, and whether validation predicted test. */
export function analyzeRecords(records: IterationRecord[]): CheckpointAnalysis {
  const models = records.filter((r) => r.kind === 'model');
  const valSharpe = models.map((r) => r.metrics.validation?.sharpe ?? null);
  const testSharpe = models.map((r) => r.metrics.test.sharpe);
  const argBest = (values: Array<number | null>) => {
    let best: number | null = null;
    let bestValue = -Infinity;
    values.forEach((v, i) => {
      if (v !== null && v > bestValue) {
        bestValue = v;
        best = models[i].iteration;
      }
    });
    return best;
  };
  return {
    iterations: records.length,
    withModel: models.length,
    placeholders: records.length - models.length,
    validationSharpe: describe(valSharpe),
    testSharpe: describe(testSharpe),
    validationReturn: describe(models.map((r) => r.metrics.validation?.totalReturn ?? null)),
    testReturn: describe(models.map((r) => r.metrics.test.totalReturn)),
    bestByValidation: argBest(models.map((r) => r.selection.score)),
    bestByTest: argBest(testSharpe),
    testSharpeSlope: slope(
      models.map((r) => r.iteration),
      testSharpe,
    ),
    validationTestCorrelation: correlation(valSharpe, testSharpe),
  };
}
