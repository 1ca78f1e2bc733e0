import { configSchema } from '../../src/config/schema.js';
import { iterationChartName } from '../../src/report/charts-writer.js';
import { trainingCheckpointName } from '../../src/checkpoint/training-checkpoint.js';
import { savePlan } from '../../src/walkforward/save-plan.js';

describe('save plan', () => {
  test.each([
    ['the default run', 10_000, 15, {}, { totalSteps: 150_000, modelEvery: 7500, imageEvery: 1500, progressEvery: 3000 }],
    ['more saves asked', 10_000, 15, { nModelSaves: 150 }, { totalSteps: 150_000, modelEvery: 1000, imageEvery: 1500, progressEvery: 3000 }],
    ['a tiny run keeps the minimum spacing', 1000, 2, {}, { totalSteps: 2000, modelEvery: 100, imageEvery: 500, progressEvery: 50 }],
  ])('%s', (_name, timesteps, iterations, saving, expected) => {
    const config = configSchema.parse({ training: { timesteps }, saving });
    expect(savePlan(config, iterations)).toEqual(expected);
  });

  test('file names are zero-padded and sort in step order', () => {
    const steps = [5, 120, 12000, 1_200_000];
    expect(steps.map(trainingCheckpointName)).toEqual(['model_step_0000005.zip', 'model_step_0000120.zip', 'model_step_0012000.zip', 'model_step_1200000.zip']);
    const charts = steps.map((s) => iterationChartName(3, s));
    expect(charts[2]).toBe('iter_003_step_0012000.png');
    expect([...charts].sort()).toEqual(charts);
    expect(iterationChartName(12)).toBe('iter_012.png');
  });
});
