import { algorithms } from '../../src/agent/registry.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { DqnAgent } from '../../src/agent/dqn/dqn-agent.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { configSchema } from '../../src/config/schema.js';
import { TradingEnv } from '../../src/env/trading-env.js';
import { CheckpointCorruptError } from '../../src/errors/index.js';
import { Rng } from '../../src/random/rng.js';
import { ExperimentStore } from '../../src/store/experiment-store.js';
import { CheckpointIndex } from '../../src/store/index-store.js';
import { experimentPaths, layout } from '../../src/store/layout.js';
import { readZip, writeZip } from '../../src/store/zip-store.js';
import { trainAgent } from '../../src/training/train-loop.js';
import { TrainingSession } from '../../src/walkforward/seed/index.js';
import { marketFor } from '../helpers/market.js';
import { ar1Prices } from '../helpers/synthetic.js';
import { tempDir } from '../helpers/temp.js';
import { trainingMetadata } from '../helpers/metadata.js';

const metadata = (step: number) => trainingMetadata(step, 6);

describe('training checkpoints: saved whole, restored exactly, damage named', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  let store: ExperimentStore;
  let session: TrainingSession;

  beforeAll(async () => {
    await selectBackend('wasm');
    const paths = experimentPaths(tmp.dir, 'e');
    store = new ExperimentStore(paths, CheckpointIndex.from(paths.root, 'e', []), () => new Date('2026-01-02T03:04:05Z'));
    const config = configSchema.parse({ env: { lookback: 5 }, agent: { learningStarts: 100, batchSize: 16, layers: [8] } });
    const env = new TradingEnv(marketFor(ar1Prices(400, 0.5, 0.01, 3), 5, 300), 0, 300, config.env);
    const rng = Rng.fromSeed(5);
    session = new TrainingSession(new DqnAgent(config.agent, env.spaces, { rng: rng, timesteps: 400, rewardScale: 1 }), rng, 400);
    for (const step of [150, 300]) {
      const loop = await trainAgent(session.agent, env, { timesteps: step, resumeFrom: session.loop });
      session.loop = loop;
      await store.checkpoints(1).training.save(step, session.snapshot(loop, 1.5, true), metadata(step), session.agent.stateDiagnostics());
    }
  });
  afterAll(() => session.agent.dispose());

  const file = (step: number) => store.paths.at(layout.trainingCheckpoint(1, step));
  /** Rewrites a checkpoint with a valid manifest around changed entries: damage the hashes cannot see. */
  async function tamper(step: number, change: (entries: Record<string, Buffer>) => void): Promise<void> {
    const entries = await readZip(file(step));
    delete entries['manifest.json'];
    change(entries);
    await writeZip(file(step), entries, { store: true });
  }

  test('restore gives back the JSON and every array as saved, and the index lists it with the time of the injected clock', async () => {
    const restored = await store.checkpoints(1).training.restore(300);
    expect(restored.state.json).toEqual(JSON.parse(JSON.stringify(session.snapshot(session.loop!, 1.5, true).json)));
    expect(Object.keys(restored.state.arrays).sort()).toEqual(Object.keys(session.agent.saveState(true).arrays).sort());
    expect(restored.state.arrays.online).toEqual(session.agent.saveState(true).arrays.online);
    expect(TrainingSession.check(restored.state, algorithms.dqn)).toBeNull();
    expect(await store.checkpoints(1).training.steps()).toEqual([150, 300]);
    const entry = (store.index as CheckpointIndex).get(layout.trainingCheckpoint(1, 300));
    expect(entry).toMatchObject({ kind: 'training', iteration: 1, step: 300, time: '2026-01-02T03:04:05.000Z' });
  });

  test('the online weights are stored once per checkpoint', async () => {
    const names = Object.keys(await readZip(file(300)));
    expect(names.filter((n) => /online|weights/.test(n))).toEqual(['arrays/online.bin']);
  });

  test.each([
    ['state.json that is not JSON', (e: Record<string, Buffer>) => (e['state.json'] = Buffer.from('{oops')), /entry state\.json is not valid JSON/],
    [
      'state.json of another format',
      (e: Record<string, Buffer>) => (e['state.json'] = Buffer.from(JSON.stringify({ formatVersion: 1, json: {}, arrays: {} }))),
      /entry state\.json does not fit its schema \(formatVersion/,
    ],
    [
      'an array shorter than state.json says',
      (e: Record<string, Buffer>) => (e['arrays/target.bin'] = e['arrays/target.bin'].subarray(8)),
      /entry arrays\/target\.bin has \d+ bytes; state\.json says \d+ float32 values/,
    ],
    ['an array missing', (e: Record<string, Buffer>) => delete e['arrays/adam_m.bin'], /entry arrays\/adam_m\.bin is missing/],
    [
      'a model zip in its place',
      (e: Record<string, Buffer>) => (e['metadata.json'] = Buffer.from(JSON.stringify({ ...metadata(150), kind: 'model' }))),
      /is a model file, not a training checkpoint/,
    ],
  ])('%s: restore fails with CheckpointCorruptError naming the file and the entry', async (_what, change, message) => {
    const good = readFileSync(file(150));
    await tamper(150, change);
    const err = await store
      .checkpoints(1)
      .training.restore(150)
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(CheckpointCorruptError);
    expect((err as Error).message).toContain(file(150));
    expect((err as Error).message).toMatch(message);
    writeFileSync(file(150), good);
  });

  test('a state that verifies but does not fit the agent is refused by the session before anything is restored', async () => {
    const { state } = await store.checkpoints(1).training.restore(300);
    const broken = { json: { ...state.json, agent: { ...(state.json.agent as object), shapes: [3] } }, arrays: state.arrays };
    expect(TrainingSession.check(broken, algorithms.dqn)).toMatch(/array online holds \d+ values; the network needs 3/);
    expect(TrainingSession.check({ json: { ...state.json, rng: 'x' }, arrays: state.arrays }, algorithms.dqn)).toMatch(
      /training state does not fit its schema: rng/,
    );
  });

  test('latest() passes over a truncated newest checkpoint, says why, and returns the older one', async () => {
    const good = readFileSync(file(300));
    writeFileSync(file(300), good.subarray(0, good.length - 200));
    const skipped: string[] = [];
    const latest = await store.checkpoints(1).training.latest(
      () => null,
      (path, why) => skipped.push(`${path} ${why}`),
    );
    expect(latest?.step).toBe(150);
    expect(skipped).toEqual([
      expect.stringMatching(/^iterations\/iter_1\/training\/model_step_0000300\.zip is not usable \(.+\); trying an older checkpoint$/),
    ]);
    const refused = await store.checkpoints(1).training.latest(
      ({ step }) => (step === 150 ? 'is refused' : null),
      () => undefined,
    );
    expect(refused).toBeNull();
    writeFileSync(file(300), good);
  });
});
