import { countPoints, pointSettings, sweepFileSchema } from '../../src/cluster/sweep-file.js';
import { pointId } from '../../src/cluster/sweep-plan.js';
import { checkExperimentId } from '../../src/store/layout.js';

test('points are counted from the lengths alone and built one at a time, in the order of earlier versions', () => {
  const sweep = sweepFileSchema.parse({
    list: [{ 'agent.gamma': 0.9, seed: 7 }, { 'env.lookback': 4 }],
    grid: { seed: [1, 2], 'agent.learningRate': [0.001, 0.003] },
  });
  expect(countPoints(sweep)).toBe(8);
  const points = Array.from({ length: 8 }, (_, i) => pointSettings(sweep, i));
  // Each listed point crossed with the grid, its last key fastest; a grid key a listed point also sets keeps its place.
  expect(points.map(pointId)).toEqual([
    'gamma-0.9_seed-1_learningRate-0.001',
    'gamma-0.9_seed-1_learningRate-0.003',
    'gamma-0.9_seed-2_learningRate-0.001',
    'gamma-0.9_seed-2_learningRate-0.003',
    'lookback-4_seed-1_learningRate-0.001',
    'lookback-4_seed-1_learningRate-0.003',
    'lookback-4_seed-2_learningRate-0.001',
    'lookback-4_seed-2_learningRate-0.003',
  ]);
  expect(countPoints(sweepFileSchema.parse({}))).toBe(1);
  expect(pointSettings(sweepFileSchema.parse({}), 0)).toEqual({});
  const huge = sweepFileSchema.parse({
    grid: Object.fromEntries(Array.from({ length: 6 }, (_, k) => [`k${k}`, Array.from({ length: 10 }, (_, i) => i)])),
  });
  expect(countPoints(huge)).toBe(1_000_000);
  expect(pointSettings(huge, 999_999)).toEqual({ k0: 9, k1: 9, k2: 9, k3: 9, k4: 9, k5: 9 });
});

test('a point name is a valid folder name whatever the settings: cut names end with a hash, empty ones get one', () => {
  const long = (tail: string) => ({ 'data.path': `${'x'.repeat(300)}${tail}.csv` });
  const [a, b] = [pointId(long('1')), pointId(long('2'))];
  expect(a).not.toBe(b);
  expect([a.length, b.length]).toEqual([200, 200]);
  expect(a).toMatch(/^path-x{184}-[0-9a-f]{10}$/);
  expect(pointId(long('1'))).toBe(a);
  const odd = pointId({ '--': '///' });
  expect(odd).toMatch(/^point-[0-9a-f]{10}$/);
  for (const id of [a, b, odd]) expect(checkExperimentId(id)).toBe(id);
});
