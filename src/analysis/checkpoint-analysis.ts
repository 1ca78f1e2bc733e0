import type { CheckpointAnalysis, IterationDigest } from '../records/index.js';
import { correlation, describe, slope } from './statistics.js';

/** How preserved models did across iterations: spread of scores, trend, and whether validation predicted test. */
export function analyzeDigests(digests: IterationDigest[]): CheckpointAnalysis {
  const models = digests.filter((d) => d.status === 'model');
  const valSharpe = models.map((d) => d.validation?.sharpe ?? null);
  const testSharpe = models.map((d) => d.test.sharpe);
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
    iterations: digests.length,
    withModel: models.length,
    placeholders: digests.length - models.length,
    validationSharpe: describe(valSharpe),
    testSharpe: describe(testSharpe),
    validationReturn: describe(models.map((d) => d.validation?.totalReturn ?? null)),
    testReturn: describe(models.map((d) => d.test.totalReturn)),
    bestByValidation: argBest(models.map((d) => d.selectionScore)),
    diagnostics: {
      bestByTestInHindsight: argBest(testSharpe),
      note: 'chosen on test data in hindsight: shows how well validation selected, never feeds best_model.zip',
    },
    testSharpeSlope: slope(
      models.map((d) => d.iteration),
      testSharpe,
    ),
    validationTestCorrelation: correlation(valSharpe, testSharpe),
  };
}
