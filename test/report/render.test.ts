import { algorithms } from '../../src/agent/registry.js';
import { iterationSpec } from '../../src/report/chart-specs.js';
import { forgetChartTemplates, toPng } from '../../src/report/render.js';
import type { Candidate } from '../../src/records/index.js';

/** Training curves like a real run's: a loss point every 50 steps after learning starts, an episode every 1000. */
function snapshot(step: number) {
  const points = Array.from({ length: step / 50 }, (_, i) => ({
    step: (i + 1) * 50,
    loss: i < 20 ? null : 0.1 / (i - 18),
    epsilon: Math.max(0.05, 1 - i / 20),
    maxAbsQ: null,
  }));
  const rewards = [-0.58, -0.55, 0.04, -0.3, 0.2];
  const episodes = rewards.map((reward, i) => ({ step: (i + 1) * 950, reward })).filter((e) => e.step <= step);
  const candidates = [-0.4, -0.98, -1.53]
    .map((score, i) => ({ step: (i + 1) * 1000, score, metrics: {} }) as unknown as Candidate)
    .filter((c) => c.step <= step);
  return iterationSpec(1, step, 10_000, { points, episodes }, candidates, 'sharpe', algorithms.dqn.diagnostics);
}

describe('PNG rendering', () => {
  test('a plot drawn after another of the same shape is identical to the same plot drawn from scratch', async () => {
    await toPng(snapshot(1500));
    const afterAnother = await toPng(snapshot(3000));
    forgetChartTemplates();
    const fromScratch = await toPng(snapshot(3000));
    expect(afterAnother.equals(fromScratch)).toBe(true);
    expect((await toPng(snapshot(1500))).equals(fromScratch)).toBe(false);
  });
});
