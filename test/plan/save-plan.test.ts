import { configSchema } from '../../src/config/schema.js';
import { iterationChartName, snapshotSteps } from '../../src/report/chart-jobs.js';
import { layout } from '../../src/store/layout.js';

const trainingCheckpointName = (step: number) => layout.trainingCheckpoint(1, step).split('/').pop();
import { savePlan, stepsBefore } from '../../src/plan/save-plan.js';

describe('save plan', () => {
  test.each([
    ['the default run', 10_000, 15, {}, { totalSteps: 150_000, modelEvery: 7500, imageEvery: 1500, progressEvery: 3000 }],
    ['more saves asked', 10_000, 15, { nModelSaves: 150 }, { totalSteps: 150_000, modelEvery: 1000, imageEvery: 1500, progressEvery: 3000 }],
    ['a tiny run keeps the minimum spacing', 1000, 2, {}, { totalSteps: 2000, modelEvery: 100, imageEvery: 500, progressEvery: 50 }],
    // Checkpoints and progress spread over every seed's steps; plots over seed 0's, the only seed drawn.
    ['three seeds', 10_000, 15, {}, { totalSteps: 450_000, modelEvery: 22_500, imageEvery: 1500, progressEvery: 9000 }, 3],
  ])('%s', (_name, timesteps, iterations, saving, expected, seeds = 1) => {
    const config = configSchema.parse({ training: { timesteps, seeds }, saving });
    expect(savePlan(config, iterations)).toEqual(expected);
  });

  test('each seed of an iteration starts where the seeds and iterations before it end', () => {
    const config = configSchema.parse({ training: { timesteps: 1000, seeds: 3 } });
    expect([stepsBefore(config, 1, 0), stepsBefore(config, 1, 2), stepsBefore(config, 2, 0), stepsBefore(config, 2, 1)]).toEqual([
      0, 2000, 3000, 4000,
    ]);
    expect(stepsBefore(configSchema.parse({ training: { timesteps: 1000 } }), 3, 0)).toBe(2000);
  });

  test('file names are zero-padded and sort in step order', () => {
    const steps = [5, 120, 12000, 1_200_000];
    expect(steps.map(trainingCheckpointName)).toEqual([
      'model_step_0000005.zip',
      'model_step_0000120.zip',
      'model_step_0012000.zip',
      'model_step_1200000.zip',
    ]);
    const charts = steps.map((s) => iterationChartName(3, s));
    expect(charts[2]).toBe('iter_003_step_0012000.png');
    expect([...charts].sort()).toEqual(charts);
    expect(iterationChartName(12)).toBe('iter_012.png');
  });

  test('snapshot plots fall on the experiment-wide image moments inside each iteration, not on its last step', () => {
    expect(snapshotSteps(1, 10_000, 1500)).toEqual([1500, 3000, 4500, 6000, 7500, 9000]);
    expect(snapshotSteps(2, 10_000, 1500)).toEqual([500, 2000, 3500, 5000, 6500, 8000, 9500]);
    expect(snapshotSteps(3, 10_000, 1500)).toEqual([1000, 2500, 4000, 5500, 7000, 8500]);
    // The default run: 100 moments over 150,000 steps, less the 5 that land on an iteration's last step.
    const all = Array.from({ length: 15 }, (_, i) => snapshotSteps(i + 1, 10_000, 1500).length);
    expect(all.reduce((a, b) => a + b, 0)).toBe(95);
    expect(snapshotSteps(1, 400, 500)).toEqual([]);
  });
});
