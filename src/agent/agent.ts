import type * as tf from '@tensorflow/tfjs';
import type { EnvSpaces } from '../env/spaces.js';
import type { Rng } from '../random/rng.js';
import type { AgentConfig } from './config.js';
import type { StateParts } from './state.js';

/**
 * What the training loop, evaluation, checkpoints and records know of a learning agent; each algorithm implements
 * it (as Stable-Baselines3's algorithms override a few methods of a generic loop). Step counting follows SB3: after
 * each environment step, `remember` the transition, then call `onStep`, which learns when it is due.
 */
export interface Agent {
  readonly algorithm: AlgorithmName;
  readonly spaces: EnvSpaces;
  /** Environment steps taken, and learning updates made (a candidate with none is the untrained reference). */
  readonly numTimesteps: number;
  readonly numUpdates: number;
  /** The action to take while training (exploration included); may draw from the run's generator. */
  act(obs: Float32Array): number;
  /**
   * The training-time actions of `count` observations laid end to end in `obs` (one per instrument of a panel), into
   * `out`: the generator is drawn exactly as `count` successive `act` calls would draw it, and the observations that
   * act greedily go through one batched forward pass.
   */
  actAll(obs: Float32Array, count: number, out: Int32Array): Int32Array;
  /** The greedy action of one observation: what an exported policy does with it. */
  greedyAction(obs: Float32Array): number;
  /** Greedy actions of `count` observations laid end to end in `obs` (one batched forward pass). */
  greedyActions(obs: Float32Array, count: number, out?: Int32Array): Int32Array;
  remember(obs: Float32Array, action: number, reward: number, nextObs: Float32Array, terminated: boolean): void;
  /** Counts one environment step and learns when due; returns the numeric diagnostics of what it learned, or null. */
  onStep(): Diagnostics | null;
  /** Diagnostics of the agent's state now (e.g. DQN's exploration rate), by name. */
  stateDiagnostics(): Diagnostics;
  /** The weights of the greedy policy's network (see `AlgorithmSpec.policyLayers`), copies in the model's order. */
  policyWeights(): Float32Array[];
  /** The greedy policy as a tfjs model, for saving; the agent owns it (the caller must not dispose it). */
  exportPolicy(): tf.LayersModel;
  /** Starts from a preserved policy's weights (training.warmStart). */
  loadPolicyWeights(weights: Float32Array[]): void;
  /**
   * The whole state for a training checkpoint, as JSON and named arrays the store writes without knowing them;
   * without the stored experience (DQN's replay buffer) when `includeExperience` is false (checkpoint.saveReplayBuffer).
   */
  saveState(includeExperience: boolean): StateParts;
  /** Restores what saveState gave; throws AgentStateError when the parts do not fit this agent. */
  restoreState(parts: StateParts): void;
  dispose(): void;
}

/** Named numbers an agent reports: records, history, TensorBoard and the event log carry them without knowing the names. */
export type Diagnostics = Record<string, number>;

/**
 * How the training history samples one diagnostic: `mean` and `max` aggregate the learning updates of each interval
 * (null when none was made); `state` takes the agent's value at the sample. `limit` warns once when |value| passes it.
 */
export interface DiagnosticSpec {
  name: string;
  source: 'mean' | 'max' | 'state';
  /** Title of its panel in the training chart; absent: not charted. */
  chart?: { title: string; log?: boolean; domain?: [number, number] };
  limit?: { above: number; warning: (value: number) => string };
}

export interface AgentOptions {
  rng: Rng;
  /** Environment steps the agent will train for (schedules span them). */
  timesteps: number;
  /** Rewards are multiplied by this before they are learned from (see agent.rewardScaling). */
  rewardScale: number;
  /** Transitions each step remembers: 1, or the instruments of a panel (what stored experience is sized by). */
  transitionsPerStep?: number;
}

export const algorithmNames = ['dqn', 'linear'] as const;
export type AlgorithmName = (typeof algorithmNames)[number];

/**
 * One algorithm as the registry knows it, without loading its implementation (config checks and readers of its
 * files need this much; `createAgent` in create.ts builds the agent itself).
 */
export interface AlgorithmSpec {
  name: AlgorithmName;
  /** Layer sizes of the greedy policy's network, input to output: what a model file of this algorithm holds. */
  policyLayers(config: AgentConfig, spaces: EnvSpaces): number[];
  /** What is wrong with a saved state (null: it can be restored into an agent of its shape); changes nothing. */
  checkState(parts: StateParts): string | null;
  /** The diagnostics it reports, in the order records list them. */
  diagnostics: readonly DiagnosticSpec[];
  /** One line for the start-up display. */
  describe(config: AgentConfig): string;
  /** Cross-field checks of its settings against the run's: errors stop the run, warnings are printed. */
  rules(config: { agent: AgentConfig; training: { timesteps: number; warmStart: boolean } }): { errors: string[]; warnings: string[] };
}
