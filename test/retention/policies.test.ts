import { anyOf, decide, keepBest, keepEvery, keepLast } from '../../src/retention/policies.js';

const its = (...ns: number[]) => ns.map((iteration) => ({ iteration }));
const kept = (keep: boolean[], cs: Array<{ iteration: number }>) => cs.filter((_, i) => keep[i]).map((c) => c.iteration);

describe('retention policies', () => {
  test.each([
    [3, [1, 2, 3, 4, 5], [3, 4, 5]],
    [1, [1, 2, 3], [3]],
    [5, [1, 2], [1, 2]],
    [2, [7, 3, 9, 1], [7, 9]],
    [2, [], []],
  ])('keepLast(%i) of %j keeps %j', (n, iterations, expected) => {
    const cs = its(...iterations);
    expect(kept(keepLast(n).keep(cs), cs)).toEqual(expected);
  });

  test.each([
    [5, [1, 2, 3, 4, 5, 6, 10, 11, 15], [5, 10, 15]],
    [2, [1, 2, 3, 4], [2, 4]],
    [1, [1, 2, 3], [1, 2, 3]],
    [7, [1, 2, 3], []],
  ])('keepEvery(%i) of %j keeps %j', (n, iterations, expected) => {
    const cs = its(...iterations);
    expect(kept(keepEvery(n).keep(cs), cs)).toEqual(expected);
  });

  test.each([
    [3, [1, 2, 3, 4], [3]],
    [null, [1, 2, 3], []],
    [9, [1, 2], []],
  ])('keepBest(%j) of %j keeps %j', (best, iterations, expected) => {
    const cs = its(...iterations);
    expect(kept(keepBest(best).keep(cs), cs)).toEqual(expected);
  });

  test('anyOf keeps the union and names its parts', () => {
    const cs = its(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    const policy = anyOf(keepEvery(5), keepLast(3), keepBest(2));
    expect(kept(policy.keep(cs), cs)).toEqual([2, 5, 10, 11, 12]);
    expect(policy.name).toBe('keepEvery(5) or keepLast(3) or keepBest');
  });

  test('decide says which policies keep each candidate', () => {
    const cs = its(4, 5, 6);
    expect(decide(cs, [keepEvery(5), keepLast(1)]).map((d) => [d.candidate.iteration, d.keep, d.keptBy])).toEqual([
      [4, false, []],
      [5, true, ['keepEvery(5)']],
      [6, true, ['keepLast(1)']],
    ]);
  });
});
