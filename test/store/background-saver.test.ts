import { existsSync, readdirSync } from 'node:fs';
import { CheckpointWriteError } from '../../src/errors/index.js';
import { BackgroundSaver } from '../../src/store/background-saver.js';
import { ExperimentStore } from '../../src/store/experiment-store.js';
import { CheckpointIndex } from '../../src/store/index-store.js';
import { experimentPaths, layout } from '../../src/store/layout.js';
import { tempDir } from '../helpers/temp.js';
import { trainingMetadata } from '../helpers/metadata.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => undefined as void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const metadata = (step: number) => trainingMetadata(step, 2);

describe('background saver: one write in flight, errors surface at the next wait', () => {
  test('start returns while the write runs; the next start waits for it; flush waits for the last', async () => {
    const saver = new BackgroundSaver();
    const gates = [deferred(), deferred()];
    const log: string[] = [];
    let inFlight = 0;
    const write = (i: number) => async () => {
      inFlight++;
      expect(inFlight).toBe(1);
      log.push(`begin ${i}`);
      await gates[i].promise;
      log.push(`end ${i}`);
      inFlight--;
    };
    await saver.start(write(0));
    expect(saver.busy).toBe(true);
    expect(log).toEqual(['begin 0']);
    let second = false;
    const starting = saver.start(write(1)).then(() => (second = true));
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false);
    gates[0].resolve();
    await starting;
    expect(log).toEqual(['begin 0', 'end 0', 'begin 1']);
    let flushed = false;
    const flushing = saver.flush().then(() => (flushed = true));
    await new Promise((r) => setImmediate(r));
    expect(flushed).toBe(false);
    gates[1].resolve();
    await flushing;
    expect(log).toEqual(['begin 0', 'end 0', 'begin 1', 'end 1']);
    expect(saver.busy).toBe(false);
  });

  test('a failed write is rethrown by the next start (which then runs nothing) and by flush', async () => {
    const saver = new BackgroundSaver();
    await saver.start(async () => {
      await new Promise((r) => setImmediate(r));
      throw new Error('disk gone');
    });
    let ran = false;
    await expect(saver.start(async () => void (ran = true))).rejects.toThrow('disk gone');
    expect(ran).toBe(false);
    await expect(saver.flush()).rejects.toThrow('disk gone');
  });
});

describe('training checkpoints saved in the background', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);
  const paths = experimentPaths(tmp.dir, 'e');
  const store = new ExperimentStore(paths, CheckpointIndex.from(paths.root, 'e', []));
  const index = store.index as CheckpointIndex;
  const state = (fill: number) => ({ json: { fill }, arrays: { replay_obs: new Float32Array(300_000).fill(fill) } });
  const save = (step: number) => () =>
    store
      .checkpoints(1)
      .training.save(step, state(step), metadata(step), {})
      .then(() => undefined);

  test('a checkpoint is listed only once committed, and the file appears only then', async () => {
    const saver = new BackgroundSaver();
    await saver.start(save(100));
    const path = layout.trainingCheckpoint(1, 100);
    expect(index.get(path)).toBeUndefined();
    expect(existsSync(paths.at(path))).toBe(false);
    await saver.flush();
    expect(index.get(path)).toMatchObject({ kind: 'training', step: 100 });
    expect((await store.checkpoints(1).training.restore(100)).state.json).toEqual({ fill: 100 });
  });

  test('an EIO in the background stops the next save with an error naming the file; the previous checkpoint stays the newest', async () => {
    const saver = new BackgroundSaver();
    process.env.WFO_FAULT_INJECT = 'EIO:model_step_0000200.zip';
    try {
      await saver.start(save(200));
      const failed = saver.start(save(300));
      await expect(failed).rejects.toBeInstanceOf(CheckpointWriteError);
      await expect(failed).rejects.toThrow(/model_step_0000200\.zip/);
    } finally {
      delete process.env.WFO_FAULT_INJECT;
    }
    expect(await store.checkpoints(1).training.steps()).toEqual([100]);
    expect(index.get(layout.trainingCheckpoint(1, 200))).toBeUndefined();
    expect(readdirSync(paths.at(store.checkpoints(1).training.folder)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});
