import { DqnAgent, type UpdateStats } from '../../src/agent/dqn/dqn-agent.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { configSchema } from '../../src/config/schema.js';
import { TrainingDivergedError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { algorithms } from '../../src/agent/registry.js';
import { spacesFor } from '../helpers/spaces.js';
import { emptyHistory, historyRecorder } from '../../src/training/history.js';
import type { LoopState } from '../../src/training/train-loop.js';

describe('training history and divergence watch', () => {
  let agent: DqnAgent;
  beforeAll(async () => {
    await selectBackend('wasm');
    agent = new DqnAgent(configSchema.parse({}).agent, spacesFor(4), { rng: Rng.fromSeed(1), timesteps: 1000, rewardScale: 1 });
  });
  afterAll(() => agent.dispose());
  const loop: LoopState = { episode: 0, episodeReward: 0, envRow: 0, envPosition: 0, episodeRewards: [] };
  const feed = (cb: ReturnType<typeof historyRecorder>, steps: Array<UpdateStats | null>) =>
    steps.forEach((update, i) => cb.onStep?.({ step: i + 1, agent, loop, update }));

  test('averages the loss over each interval and samples epsilon; episodes keep their reward and step', () => {
    const history = emptyHistory(2000);
    expect(history.every).toBe(10);
    const cb = historyRecorder(history, 1, algorithms.dqn.diagnostics, { warn: () => undefined });
    feed(cb, [...Array(5).fill(null), ...Array.from({ length: 15 }, (_, i) => ({ loss: i + 1, meanAbsTd: 0, maxAbsQ: i }))]);
    cb.onEpisodeEnd?.({ step: 20, agent, loop, update: null, reward: -0.5 });
    expect(history.points.map((p) => [p.step, p.loss, p.maxAbsQ])).toEqual([
      [10, 3, 4],
      [20, 10.5, 14],
    ]);
    expect(history.episodes).toEqual([{ step: 20, reward: -0.5 }]);
  });

  test('a non-finite loss stops training with a message saying what to do', () => {
    const cb = historyRecorder(emptyHistory(1000), 3, algorithms.dqn.diagnostics, { warn: () => undefined });
    expect(() =>
      feed(cb, [
        { loss: 1, meanAbsTd: 1, maxAbsQ: 1 },
        { loss: NaN, meanAbsTd: NaN, maxAbsQ: NaN },
      ]),
    ).toThrow(TrainingDivergedError);
    const again = historyRecorder(emptyHistory(1000), 3, algorithms.dqn.diagnostics, { warn: () => undefined });
    expect(() => feed(again, [{ loss: Infinity, meanAbsTd: 1, maxAbsQ: 1 }])).toThrow(
      /iteration 3: the loss became Infinity at step 1; training stopped\. The last good training checkpoint is kept/,
    );
  });

  test('warns once each when the loss grows 1000-fold or Q-values explode', () => {
    const warnings: string[] = [];
    const cb = historyRecorder(emptyHistory(2000), 2, algorithms.dqn.diagnostics, { warn: (m) => warnings.push(m) });
    const steps = [
      ...Array.from({ length: 10 }, () => ({ loss: 0.01, meanAbsTd: 0, maxAbsQ: 1 })),
      ...Array.from({ length: 30 }, () => ({ loss: 50, meanAbsTd: 0, maxAbsQ: 500 })),
    ];
    feed(cb, steps);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/iteration 2: the loss grew to 5\.00e\+1, over 1000x its first value/);
    expect(warnings[1]).toMatch(/iteration 2: Q-values reached 5\.00e\+2/);
  });
});
