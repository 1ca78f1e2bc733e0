import type * as tf from '@tensorflow/tfjs';
import { observationSize, POSITION_FEATURE, type EnvSpaces } from '../../env/spaces.js';
import type { Rng } from '../../random/rng.js';
import type { Agent, AgentOptions, Diagnostics } from '../agent.js';
import type { AgentConfig } from '../config.js';
import { uniformActions } from '../epsilon-greedy.js';
import { actionsOut } from '../greedy.js';
import { MlpKernel } from '../kernel/mlp-kernel.js';
import { QNetwork } from '../q-network.js';
import { AgentStateError, type StateParts } from '../state.js';
import { linearPolicyLayers, linearStateFromParts, type LinearStateJson } from './state.js';
import { linearPolicyWeights } from './policy.js';
import { solveRidge } from './ridge.js';

/** Observations per forward pass of the greedy policy's kernel (a panel of more instruments takes several). */
const GREEDY_BATCH = 256;

/**
 * The baseline beside any deep agent on the same windows: for each action, a ridge regression of the (scaled) reward
 * that action earned on the observation, fitted from every transition of training, and the greedy policy that takes
 * the action with the highest predicted reward. The regression's inputs are the features, relu(position) and
 * relu(-position) and a constant, which spans one value per position of short/flat/long, so the cost of changing the
 * position is learned exactly. It explores uniformly at random while training (the fit is off-policy) and refits,
 * from running sums of the normal equations, whenever its greedy policy is asked for after new transitions. The
 * policy is an MLP of one ReLU layer (inputs and their negatives, then the regression), so it saves, loads and
 * votes as any other policy network, and acting runs that network through the same kernel as an exported model.
 */
export class LinearAgent implements Agent {
  readonly algorithm = 'linear' as const;
  numTimesteps = 0;
  /** Transitions the regression has learned from. */
  numUpdates = 0;
  private readonly rng: Rng;
  private readonly rewardScale: number;
  private readonly obsDim: number;
  private readonly positionAt: number;
  /** Per action: the d x d Gram matrix, then X'y (d), then the count, in double precision. */
  private readonly sums: Float64Array;
  private readonly design: Float64Array;
  private readonly kernel: MlpKernel;
  private weights: Float32Array[];
  private fitted = true;
  private exportNet: QNetwork | null = null;

  constructor(
    private readonly config: AgentConfig,
    readonly spaces: EnvSpaces,
    options: AgentOptions,
  ) {
    this.rng = options.rng;
    this.rewardScale = options.rewardScale;
    this.obsDim = observationSize(spaces);
    this.positionAt = spaces.observation.names.indexOf(POSITION_FEATURE);
    if (this.positionAt !== this.obsDim - 1) throw new RangeError('the linear agent needs the position as the last element of the observation');
    const d = this.designSize;
    this.design = new Float64Array(d);
    this.sums = new Float64Array(spaces.action.n * this.block);
    this.kernel = new MlpKernel(linearPolicyLayers(spaces), GREEDY_BATCH);
    this.weights = linearPolicyWeights(this.obsDim, this.coefficients());
    this.kernel.setOnline(this.weights);
  }

  /** Features, relu(position), relu(-position), 1. */
  private get designSize(): number {
    return this.obsDim + 2;
  }

  private get block(): number {
    const d = this.designSize;
    return d * d + d + 1;
  }

  act(): number {
    return this.rng.int(this.spaces.action.n);
  }

  actAll(obs: Float32Array, count: number, out: Int32Array): Int32Array {
    actionsOut(obs, count, this.obsDim, out);
    return uniformActions(this.rng, this.spaces.action.n, count, out);
  }

  greedyAction(obs: Float32Array): number {
    this.refit();
    return this.kernel.greedy(obs);
  }

  greedyActions(obs: Float32Array, count: number, out?: Int32Array): Int32Array {
    const actions = actionsOut(obs, count, this.obsDim, out);
    this.refit();
    return this.kernel.greedyBatch(obs, count, actions);
  }

  remember(obs: Float32Array, action: number, reward: number): void {
    const d = this.designSize;
    const z = this.design;
    for (let i = 0; i < this.positionAt; i++) z[i] = obs[i];
    const position = obs[this.positionAt];
    z[d - 3] = Math.max(0, position);
    z[d - 2] = Math.max(0, -position);
    z[d - 1] = 1;
    const y = reward * this.rewardScale;
    const base = action * this.block;
    for (let i = 0; i < d; i++) {
      const zi = z[i];
      if (zi === 0) continue;
      const row = base + i * d;
      for (let j = 0; j < d; j++) this.sums[row + j] += zi * z[j];
      this.sums[base + d * d + i] += zi * y;
    }
    this.sums[base + d * d + d] += 1;
    this.numUpdates += 1;
    this.fitted = false;
  }

  onStep(): null {
    this.numTimesteps += 1;
    return null;
  }

  stateDiagnostics(): Diagnostics {
    return {};
  }

  policyWeights(): Float32Array[] {
    this.refit();
    return this.weights.map((w) => w.slice());
  }

  exportPolicy(): tf.LayersModel {
    this.exportNet ??= new QNetwork(this.obsDim, [2 * this.obsDim], this.spaces.action.n);
    this.exportNet.setWeights(this.policyWeights());
    return this.exportNet.model;
  }

  loadPolicyWeights(): void {
    throw new Error(
      'agent.algorithm linear fits each window from its own training rows; it cannot start from a preserved model (training.warmStart)',
    );
  }

  saveState(): StateParts {
    const json: LinearStateJson = {
      numTimesteps: this.numTimesteps,
      numUpdates: this.numUpdates,
      design: this.designSize,
      actions: this.spaces.action.n,
    };
    return { json, arrays: { sums: new Uint8Array(this.sums.slice().buffer) } };
  }

  restoreState(parts: StateParts): void {
    const state = linearStateFromParts(parts);
    if (state.design !== this.designSize || state.actions !== this.spaces.action.n)
      throw new AgentStateError(
        `linear agent state is of ${state.design} inputs and ${state.actions} actions; this agent has ${this.designSize} and ${this.spaces.action.n}`,
      );
    this.sums.set(state.sums);
    this.numTimesteps = state.numTimesteps;
    this.numUpdates = state.numUpdates;
    this.fitted = false;
  }

  dispose(): void {
    this.exportNet?.dispose();
  }

  /** Solves each action's ridge regression from the running sums when transitions came in since the last fit. */
  private refit(): void {
    if (this.fitted) return;
    this.weights = linearPolicyWeights(this.obsDim, this.coefficients());
    this.kernel.setOnline(this.weights);
    this.fitted = true;
  }

  /** Each action's coefficients over the design (features, relu(position), relu(-position), constant). */
  private coefficients(): Float64Array[] {
    const d = this.designSize;
    return Array.from({ length: this.spaces.action.n }, (_, a) => {
      const base = a * this.block;
      if (this.sums[base + d * d + d] === 0) return new Float64Array(d);
      return solveRidge(this.sums.subarray(base, base + d * d), this.sums.subarray(base + d * d, base + d * d + d), this.config.ridge, d - 1);
    });
  }
}
