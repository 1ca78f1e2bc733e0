import { readFileSync } from 'node:fs';
import { buildWindows, type WindowSpec } from '../../src/windows/build-windows.js';

const base: WindowSpec = { mode: 'rolling', train: 10, validation: 0, test: 5, step: null, gap: 0, maxIterations: null, partialLast: 'drop' };
const bounds = (spec: Partial<WindowSpec>, length: number) =>
  buildWindows({ ...base, ...spec }, length).map((w) => [
    [w.train.start, w.train.end],
    w.validation ? [w.validation.start, w.validation.end] : null,
    [w.test.start, w.test.end],
    w.partial,
  ]);

describe('buildWindows', () => {
  test.each([
    [
      'rolling, no validation',
      {},
      22,
      [
        [[0, 10], null, [10, 15], false],
        [[5, 15], null, [15, 20], false],
      ],
    ],
    [
      'rolling with validation',
      { validation: 3 },
      26,
      [
        [[0, 10], [10, 13], [13, 18], false],
        [[5, 15], [15, 18], [18, 23], false],
      ],
    ],
    [
      'anchored grows the train segment',
      { mode: 'anchored' },
      20,
      [
        [[0, 10], null, [10, 15], false],
        [[0, 15], null, [15, 20], false],
      ],
    ],
    ['gap purges rows before validation and test', { validation: 3, gap: 2 }, 22, [[[0, 10], [12, 15], [17, 22], false]]],
    [
      'custom step overlaps tests',
      { step: 2 },
      19,
      [
        [[0, 10], null, [10, 15], false],
        [[2, 12], null, [12, 17], false],
        [[4, 14], null, [14, 19], false],
      ],
    ],
    [
      'partial last dropped',
      { partialLast: 'drop' },
      23,
      [
        [[0, 10], null, [10, 15], false],
        [[5, 15], null, [15, 20], false],
      ],
    ],
    [
      'partial last kept and marked',
      { partialLast: 'keep' },
      23,
      [
        [[0, 10], null, [10, 15], false],
        [[5, 15], null, [15, 20], false],
        [[10, 20], null, [20, 23], true],
      ],
    ],
    [
      'partial needs two test rows',
      { partialLast: 'keep' },
      21,
      [
        [[0, 10], null, [10, 15], false],
        [[5, 15], null, [15, 20], false],
      ],
    ],
    ['maxIterations caps the count', { maxIterations: 1 }, 40, [[[0, 10], null, [10, 15], false]]],
    ['too short data gives no window', {}, 14, []],
  ])('%s', (_name, spec, length, expected) => {
    expect(bounds(spec as Partial<WindowSpec>, length)).toEqual(expected);
  });

  test('iterations are numbered from 1 and carry the dates of their first and last rows', () => {
    const dates = Array.from({ length: 20 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`);
    const [w1, w2] = buildWindows(base, 20, dates);
    expect(w1.iteration).toBe(1);
    expect(w2.iteration).toBe(2);
    expect(w1.train).toMatchObject({ startDate: '2020-01-01', endDate: '2020-01-10' });
    expect(w2.test).toMatchObject({ start: 15, end: 20, startDate: '2020-01-16', endDate: '2020-01-20' });
  });

  test('is pure: the same input gives the same windows', () => {
    expect(buildWindows({ ...base, validation: 2, gap: 1 }, 100)).toEqual(buildWindows({ ...base, validation: 2, gap: 1 }, 100));
  });

  interface SplitCase {
    mode: 'rolling' | 'anchored';
    train: number;
    test: number;
    gap: number;
    n_splits: number;
    length: number;
    splits: Array<{ train: [number, number]; test: [number, number] }>;
  }
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/timeseriessplit.json', import.meta.url), 'utf8')) as { cases: SplitCase[] };

  test.each(fixture.cases.map((c) => [`${c.mode} train ${c.train} test ${c.test} gap ${c.gap} splits ${c.n_splits}`, c]))(
    'equals scikit-learn TimeSeriesSplit: %s',
    (_name, c) => {
      const windows = buildWindows({ ...base, mode: c.mode, train: c.train, test: c.test, gap: c.gap }, c.length);
      expect(windows.map((w) => ({ train: [w.train.start, w.train.end], test: [w.test.start, w.test.end] }))).toEqual(c.splits);
    },
  );
});
