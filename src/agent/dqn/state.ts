import { z } from 'zod';
import type { AdamState } from '../adam.js';
import { AgentStateError, concatFloat32, splitBy, type StateParts } from '../state.js';
import type { ReplayState } from './replay/replay-buffer.js';

/** Everything of a DQN agent that a training checkpoint restores: counters, both networks, Adam and the replay buffer. */
export interface AgentState {
  numTimesteps: number;
  numUpdates: number;
  online: Float32Array[];
  target: Float32Array[];
  optimizer: AdamState;
  /** Null when the checkpoint was written without the replay buffer. */
  replay: ReplayState | null;
}

const agentJsonSchema = z.object({
  numTimesteps: z.number().int().nonnegative(),
  numUpdates: z.number().int().nonnegative(),
  adamStep: z.number().int().nonnegative(),
  shapes: z.array(z.number().int().positive()),
  replay: z
    .object({
      capacity: z.number().int().positive(),
      obsDim: z.number().int().positive(),
      prioritized: z.boolean(),
      pointer: z.number().int().nonnegative(),
      size: z.number().int().nonnegative(),
      maxPriority: z.number(),
    })
    .nullable(),
});

const replayArrays = ['obs', 'nextObs', 'actions', 'rewards', 'dones', 'priorities'] as const;

export function agentStateToParts(state: AgentState): StateParts {
  const { replay } = state;
  const arrays: StateParts['arrays'] = {
    online: concatFloat32(state.online),
    target: concatFloat32(state.target),
    adam_m: concatFloat32(state.optimizer.m),
    adam_v: concatFloat32(state.optimizer.v),
  };
  if (replay) for (const name of replayArrays) arrays[`replay_${name}`] = replay[name];
  const json: z.input<typeof agentJsonSchema> = {
    numTimesteps: state.numTimesteps,
    numUpdates: state.numUpdates,
    adamStep: state.optimizer.step,
    shapes: state.online.map((w) => w.length),
    replay: replay && {
      capacity: replay.capacity,
      obsDim: replay.obsDim,
      prioritized: replay.prioritized,
      pointer: replay.pointer,
      size: replay.size,
      maxPriority: replay.maxPriority,
    },
  };
  return { json, arrays };
}

export function agentStateFromParts(parts: StateParts): AgentState {
  const parsed = agentJsonSchema.safeParse(parts.json);
  if (!parsed.success)
    throw new AgentStateError(
      `agent state does not fit its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const json = parsed.data;
  const array = <T extends Float32Array | Uint8Array>(name: string, type: new (n: number) => T): T => {
    const a = parts.arrays[name];
    if (!(a instanceof type)) throw new AgentStateError(`array ${name} is missing or of the wrong type`);
    return a as T;
  };
  const split = (name: string) => splitBy(name, array(name, Float32Array), json.shapes);
  let replay: ReplayState | null = null;
  if (json.replay) {
    const r = json.replay;
    replay = {
      ...r,
      obs: array('replay_obs', Float32Array),
      nextObs: array('replay_nextObs', Float32Array),
      actions: array('replay_actions', Uint8Array),
      rewards: array('replay_rewards', Float32Array),
      dones: array('replay_dones', Uint8Array),
      priorities: array('replay_priorities', Float32Array),
    };
    if (replay.obs.length !== r.size * r.obsDim || replay.actions.length !== r.size) {
      throw new AgentStateError(`replay buffer holds ${replay.actions.length} transitions, its state says ${r.size}`);
    }
  }
  return {
    numTimesteps: json.numTimesteps,
    numUpdates: json.numUpdates,
    online: split('online'),
    target: split('target'),
    optimizer: { step: json.adamStep, m: split('adam_m'), v: split('adam_v') },
    replay,
  };
}
