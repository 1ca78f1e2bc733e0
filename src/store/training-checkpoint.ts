import type { AgentState, DqnAgent } from '../agent/dqn-agent.js';
import type { ReplayState } from '../agent/replay/replay-buffer.js';
import type { Candidate } from '../records/schemas.js';
import type { LoopState } from '../training/train-loop.js';
import type { TrainingHistory } from '../training/history.js';
import { CheckpointCorruptError } from './errors.js';
import { saveModelZip, type ModelMetadata } from './model-zip.js';
import { readZip } from './zip-store.js';

/** Everything besides the agent that shapes the rest of an iteration. */
export interface RunState {
  rng: number[];
  loop: LoopState;
  candidates: Candidate[];
  best: Candidate | null;
  history: TrainingHistory;
}

export interface TrainingSnapshot extends RunState {
  agent: AgentState;
}

const STATE_ENTRY = 'state.json';
const ONLINE_ENTRY = 'online.bin';
const TARGET_ENTRY = 'target.bin';
const ADAM_M_ENTRY = 'adam_m.bin';
const ADAM_V_ENTRY = 'adam_v.bin';
const replayEntries = ['obs', 'nextObs', 'actions', 'rewards', 'dones', 'priorities'] as const;
const replayEntry = (name: (typeof replayEntries)[number]) => `replay/${name}.bin`;

export function trainingCheckpointName(step: number): string {
  return `model_step_${String(step).padStart(7, '0')}.zip`;
}

/**
 * A training checkpoint holds the whole state of an iteration in progress: online and target weights, Adam
 * moments and step, the replay buffer (contents, priorities, pointers) unless disabled, the generator state,
 * step counters, episode position, the best-so-far candidate and every candidate so far. The online network is
 * also stored as a regular tfjs model (model.json, weights.bin), so the file loads as a model too.
 */
export async function saveTrainingCheckpoint(
  path: string,
  agent: DqnAgent,
  run: RunState,
  metadata: ModelMetadata,
  includeReplay: boolean,
): Promise<{ sha256: string; size: number }> {
  const state = agent.getState(includeReplay);
  const replay = state.replay;
  const json = {
    numTimesteps: state.numTimesteps,
    numUpdates: state.numUpdates,
    adamStep: state.optimizer.step,
    shapes: state.online.map((w) => w.length),
    rng: run.rng,
    loop: run.loop,
    candidates: run.candidates,
    best: run.best,
    history: run.history,
    replay: replay && {
      capacity: replay.capacity,
      obsDim: replay.obsDim,
      prioritized: replay.prioritized,
      pointer: replay.pointer,
      size: replay.size,
      maxPriority: replay.maxPriority,
    },
  };
  const extra: Record<string, Uint8Array> = {
    [STATE_ENTRY]: Buffer.from(JSON.stringify(json)),
    [ONLINE_ENTRY]: concat(state.online),
    [TARGET_ENTRY]: concat(state.target),
    [ADAM_M_ENTRY]: concat(state.optimizer.m),
    [ADAM_V_ENTRY]: concat(state.optimizer.v),
  };
  if (replay) for (const name of replayEntries) extra[replayEntry(name)] = bytesOf(replay[name]);
  // Stored, not deflated: replay floats barely compress and deflating them doubled the save time.
  return saveModelZip(path, agent.exportModel(), metadata, extra, { store: true });
}

export async function loadTrainingCheckpoint(path: string): Promise<{ metadata: ModelMetadata; snapshot: TrainingSnapshot }> {
  const entries = await readZip(path, [STATE_ENTRY, ONLINE_ENTRY, TARGET_ENTRY, ADAM_M_ENTRY, ADAM_V_ENTRY, 'metadata.json']);
  let json;
  let metadata: ModelMetadata;
  try {
    json = JSON.parse(entries[STATE_ENTRY].toString('utf8'));
    metadata = JSON.parse(entries['metadata.json'].toString('utf8')) as ModelMetadata;
  } catch {
    throw new CheckpointCorruptError(path, `${STATE_ENTRY} or metadata.json is not valid JSON`);
  }
  if (metadata.kind !== 'training') throw new CheckpointCorruptError(path, `is a ${metadata.kind} file, not a training checkpoint`);
  const shapes: number[] = json.shapes;
  const split = (name: string) => splitFloats(path, name, entries[name], shapes);
  let replay: ReplayState | null = null;
  if (json.replay) {
    const r = json.replay;
    const read = (name: (typeof replayEntries)[number]) => {
      const b = entries[replayEntry(name)];
      if (!b) throw new CheckpointCorruptError(path, `entry ${replayEntry(name)} is missing`);
      return b;
    };
    replay = {
      ...r,
      obs: floats(read('obs')),
      nextObs: floats(read('nextObs')),
      actions: new Uint8Array(read('actions')),
      rewards: floats(read('rewards')),
      dones: new Uint8Array(read('dones')),
      priorities: floats(read('priorities')),
    } as ReplayState;
    if (replay.obs.length !== r.size * r.obsDim || replay.actions.length !== r.size) {
      throw new CheckpointCorruptError(path, `replay buffer holds ${replay.actions.length} transitions, its state says ${r.size}`);
    }
  }
  return {
    metadata,
    snapshot: {
      agent: {
        numTimesteps: json.numTimesteps,
        numUpdates: json.numUpdates,
        online: split(ONLINE_ENTRY),
        target: split(TARGET_ENTRY),
        optimizer: { step: json.adamStep, m: split(ADAM_M_ENTRY), v: split(ADAM_V_ENTRY) },
        replay,
      },
      rng: json.rng,
      loop: json.loop,
      candidates: json.candidates,
      best: json.best,
      history: json.history,
    },
  };
}

function concat(arrays: Float32Array[]): Uint8Array {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return new Uint8Array(out.buffer);
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function floats(bytes: Buffer): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

function splitFloats(path: string, name: string, bytes: Buffer, sizes: number[]): Float32Array[] {
  const all = floats(bytes);
  const expected = sizes.reduce((a, b) => a + b, 0);
  if (all.length !== expected) throw new CheckpointCorruptError(path, `entry ${name} holds ${all.length} values; the network needs ${expected}`);
  const out: Float32Array[] = [];
  let offset = 0;
  for (const n of sizes) {
    out.push(all.slice(offset, offset + n));
    offset += n;
  }
  return out;
}
