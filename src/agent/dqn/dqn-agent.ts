import type * as tf from '@tensorflow/tfjs';
import type { EnvSpaces } from '../../env/spaces.js';
import { observationSize } from '../../env/spaces.js';
import type { Rng } from '../../random/rng.js';
import type { Agent, AgentOptions, Diagnostics } from '../agent.js';
import { gradientStepsPerPhase, type AgentConfig } from '../config.js';
import { EpsilonGreedyPanel, uniformActions } from '../epsilon-greedy.js';
import { actionsOut } from '../greedy.js';
import { QNetwork } from '../q-network.js';
import type { StateParts } from '../state.js';
import { KernelLearner } from './kernel-learner.js';
import type { QLearner, StepSettings, UpdateStats } from './learner.js';
import { createBatch, ReplayBuffer, type ReplayBatch } from './replay/replay-buffer.js';
import { linearSchedule } from './schedules.js';
import { agentStateFromParts, agentStateToParts, type AgentState } from './state.js';
import { TfjsLearner } from './tfjs-learner.js';

export type { UpdateStats } from './learner.js';
export type { AgentState } from './state.js';

/**
 * DQN (Mnih et al. 2015) with double-DQN targets, Huber loss, Adam, global-norm gradient clipping and
 * prioritized or uniform replay. Step-counting follows Stable-Baselines3: after every environment step call
 * `onStep()`, which trains every trainFreq steps once learningStarts have passed and copies the target
 * network every targetUpdateInterval steps. All randomness comes from the injected generator; the arithmetic
 * runs in the learner chosen by agent.engine.
 */
export class DqnAgent implements Agent {
  readonly algorithm = 'dqn' as const;
  readonly learner: QLearner;
  readonly obsDim: number;
  readonly nActions: number;
  readonly replay: ReplayBuffer;
  private readonly epsilonAt: (step: number) => number;
  private readonly betaAt: (step: number) => number;
  private readonly batch: ReplayBatch;
  /** The gradient step's settings, fixed for the agent's life (built once, not every update). */
  private readonly stepSettings: StepSettings;
  private readonly rng: Rng;
  private readonly panel: EpsilonGreedyPanel;
  numTimesteps = 0;
  numUpdates = 0;
  /** agent.gradientSteps, scaled for a panel's instruments (gradientStepsPerPhase). */
  private readonly gradientSteps: number;
  /** Rewards are multiplied by this before they are stored (see agent.rewardScaling); 1 leaves them as they are. */
  rewardScale: number;

  constructor(
    private readonly config: AgentConfig,
    readonly spaces: EnvSpaces,
    options: AgentOptions,
  ) {
    const { rng, timesteps: totalTimesteps } = options;
    this.rng = rng;
    this.rewardScale = options.rewardScale;
    const obsDim = observationSize(spaces);
    const nActions = spaces.action.n;
    this.obsDim = obsDim;
    this.nActions = nActions;
    // Initial weights come from the run's generator whatever the engine, so both engines start identically.
    const init = new QNetwork(obsDim, config.layers, nActions);
    init.initialize(rng);
    const initial = init.getWeights();
    init.dispose();
    this.learner =
      config.engine === 'kernel'
        ? new KernelLearner(obsDim, config.layers, nActions, initial, config.learningRate, config.batchSize)
        : new TfjsLearner(obsDim, config.layers, nActions, initial, config.learningRate);
    this.replay = new ReplayBuffer({
      capacity: Math.min(config.bufferSize, Math.max(totalTimesteps * (options.transitionsPerStep ?? 1), config.batchSize)),
      obsDim,
      prioritized: config.replay.prioritized,
      alpha: config.replay.alpha,
      priorityEpsilon: config.replay.priorityEpsilon,
    });
    this.gradientSteps = gradientStepsPerPhase(config, options.transitionsPerStep ?? 1);
    this.epsilonAt = explorationSchedule(config, totalTimesteps);
    this.betaAt = linearSchedule(config.replay.betaStart, config.replay.betaEnd, 1, totalTimesteps);
    this.batch = createBatch(config.batchSize, obsDim);
    const { gamma, doubleDqn, huberDelta, maxGradNorm, weightDecay } = config;
    this.stepSettings = { gamma, doubleDqn, huberDelta, maxGradNorm, weightDecay };
    this.panel = new EpsilonGreedyPanel(obsDim, nActions, (o, count, out) => this.learner.greedyActions(o, count, out));
  }

  get epsilon(): number {
    return this.epsilonAt(this.numTimesteps);
  }

  /** Uniformly random before learningStarts (as Stable-Baselines3 warms up), epsilon-greedy after. */
  act(obs: Float32Array): number {
    if (this.numTimesteps < this.config.learningStarts) return this.rng.int(this.nActions);
    if (this.rng.next() < this.epsilon) return this.rng.int(this.nActions);
    return this.greedyAction(obs);
  }

  /** `act` of each of `count` observations, in order, with the greedy ones in one batched pass. */
  actAll(obs: Float32Array, count: number, out: Int32Array): Int32Array {
    actionsOut(obs, count, this.obsDim, out);
    if (this.numTimesteps < this.config.learningStarts) return uniformActions(this.rng, this.nActions, count, out);
    return this.panel.act(this.rng, this.epsilon, obs, count, out);
  }

  greedyAction(obs: Float32Array): number {
    return this.learner.greedyAction(obs);
  }

  greedyActions(obs: Float32Array, count: number, out?: Int32Array): Int32Array {
    return this.learner.greedyActions(obs, count, actionsOut(obs, count, this.obsDim, out));
  }

  stateDiagnostics(): Diagnostics {
    return { epsilon: this.epsilon };
  }

  /** Q-values of one observation (for diagnostics and tests). */
  qValues(obs: Float32Array): Float32Array {
    return this.learner.qValues(obs);
  }

  remember(obs: Float32Array, action: number, reward: number, nextObs: Float32Array, terminated: boolean): void {
    this.replay.add(obs, action, reward * this.rewardScale, nextObs, terminated);
  }

  /** Call once after each environment step; returns the last update's stats (loss, meanAbsTd, maxAbsQ) when it trained. */
  onStep(): UpdateStats | null {
    this.numTimesteps += 1;
    let stats: UpdateStats | null = null;
    const c = this.config;
    if (this.numTimesteps > c.learningStarts && this.numTimesteps % c.trainFreq === 0 && this.replay.size >= c.batchSize) {
      for (let g = 0; g < this.gradientSteps; g++) stats = this.update();
    }
    if (this.numTimesteps % c.targetUpdateInterval === 0) this.learner.syncTarget();
    return stats;
  }

  /** One gradient step on a replayed minibatch; updates priorities with the new |TD errors|. */
  update(): UpdateStats {
    const b = this.replay.sample(this.rng, this.betaAt(this.numTimesteps), this.batch);
    const { stats, absTd } = this.learner.update(b, this.stepSettings);
    this.replay.updatePriorities(b.indices, absTd);
    this.numUpdates += 1;
    return stats;
  }

  /** Sets online and target weights (warm start from a preserved model). */
  loadPolicyWeights(weights: Float32Array[]): void {
    this.learner.setOnline(weights);
    this.learner.syncTarget();
  }

  /** A tfjs model with the current online weights, for saving (owned by the agent). */
  exportPolicy(): tf.LayersModel {
    return this.learner.exportModel();
  }

  /** Copies of the online network's weight arrays, in the model's weight order. */
  policyWeights(): Float32Array[] {
    return this.learner.getOnline();
  }

  getState(includeReplay = true): AgentState {
    return {
      numTimesteps: this.numTimesteps,
      numUpdates: this.numUpdates,
      online: this.learner.getOnline(),
      target: this.learner.getTarget(),
      optimizer: this.learner.getOptimizer(),
      replay: includeReplay ? this.replay.getState() : null,
    };
  }

  setState(state: AgentState): void {
    this.numTimesteps = state.numTimesteps;
    this.numUpdates = state.numUpdates;
    this.learner.setOnline(state.online);
    this.learner.setTarget(state.target);
    this.learner.setOptimizer(state.optimizer);
    if (state.replay) this.replay.setState(state.replay);
  }

  /** The whole state as JSON plus arrays, for the store to write without knowing the agent's fields. */
  saveState(includeReplay: boolean): StateParts {
    return agentStateToParts(this.getState(includeReplay));
  }

  /** Restores what saveState gave; throws AgentStateError when the parts do not fit this agent. */
  restoreState(parts: StateParts): void {
    this.setState(agentStateFromParts(parts));
  }

  dispose(): void {
    this.learner.dispose();
  }
}

/**
 * Epsilon: explorationInitial until learning starts, then a linear decay to explorationFinal over explorationFraction
 * of the steps that learn, so the greedy policy takes over only as it is trained.
 */
function explorationSchedule(config: AgentConfig, totalTimesteps: number): (step: number) => number {
  const learning = linearSchedule(
    config.explorationInitial,
    config.explorationFinal,
    config.explorationFraction,
    Math.max(0, totalTimesteps - config.learningStarts),
  );
  return (step) => (step < config.learningStarts ? config.explorationInitial : learning(step - config.learningStarts));
}
