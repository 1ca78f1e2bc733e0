import type { Agent, Diagnostics } from '../agent/agent.js';
import type { TradingEnv } from '../env/trading-env.js';

/** Where the training loop stands between two steps; with the agent and generator state it resumes a run exactly. */
export interface LoopState {
  episode: number;
  episodeReward: number;
  envRow: number;
  envPosition: number;
  /** A panel's positions, one per instrument of the window's universe in its order (envPosition is then 0). */
  envPositions?: number[];
  episodeRewards: number[];
  /** Seconds spent training before the last checkpoint (resumed runs add to it). */
  elapsedSeconds?: number;
}

export interface StepContext {
  step: number;
  agent: Agent;
  loop: LoopState;
  /** What the agent reported of the learning it did at this step (null: none). */
  update: Diagnostics | null;
}

/**
 * Hooks into training; every hook is optional and does nothing by default. onStep runs every step and must be
 * cheap; onMoment runs every `every` steps and after the final step, and may be async (evaluation, saving).
 * Returning false from either stops training after that step.
 */
export interface TrainCallback {
  onStep?(ctx: StepContext): boolean | void;
  onEpisodeEnd?(ctx: StepContext & { reward: number }): void;
  every?: number;
  /** Moments fall where (offset + step) is a multiple of `every`: experiment-wide schedules pass the steps before this iteration. */
  offset?: number;
  onMoment?(ctx: StepContext): Promise<boolean | void> | boolean | void;
}

/** Milliseconds spent choosing actions, stepping the environment (and storing transitions) and training. */
export interface PhaseTimes {
  action: number;
  environment: number;
  training: number;
}

export interface TrainOptions {
  timesteps: number;
  callbacks?: TrainCallback[];
  /** Continue from a saved loop position (the agent's counters must already be restored). */
  resumeFrom?: LoopState;
  /** Accumulates time per phase when given. */
  times?: PhaseTimes;
  /**
   * True while work behind training is in flight (a save). Each of its steps (a file operation, a zip chunk, an
   * index update) continues only when the loop yields, so the loop yields more often then.
   */
  backgroundBusy?: () => boolean;
}

const YIELD_EVERY = 32;
const BUSY_YIELD_EVERY = 4;

export function initialLoopState(env: TradingEnv): LoopState {
  return { episode: 0, episodeReward: 0, envRow: env.firstDecisionRow, envPosition: 0, episodeRewards: [] };
}

/** Trains the agent on the environment until agent.numTimesteps reaches `timesteps` or a callback stops it. */
export async function trainAgent(agent: Agent, env: TradingEnv, options: TrainOptions): Promise<LoopState> {
  const callbacks = options.callbacks ?? [];
  const loop: LoopState = options.resumeFrom ? structuredClone(options.resumeFrom) : initialLoopState(env);
  let obs: Float32Array = env.resetAt(loop.envRow, loop.envPosition);
  let nextObs: Float32Array = new Float32Array(env.obsDim);
  const times = options.times;
  while (agent.numTimesteps < options.timesteps) {
    const t0 = times ? performance.now() : 0;
    const action = agent.act(obs);
    const t1 = times ? performance.now() : 0;
    const result = env.step(action);
    env.observe(nextObs);
    // The segment's end truncates the episode; nothing terminates it, so targets still bootstrap (SB3's timeout handling).
    agent.remember(obs, action, result.reward, nextObs, false);
    loop.episodeReward += result.reward;
    const t2 = times ? performance.now() : 0;
    const update = agent.onStep();
    if (times) {
      times.action += t1 - t0;
      times.environment += t2 - t1;
      times.training += performance.now() - t2;
    }
    if (result.done) {
      endEpisode(agent, loop, update, callbacks);
      env.reset(nextObs);
    }
    [obs, nextObs] = [nextObs, obs];
    loop.envRow = env.currentRow;
    loop.envPosition = env.currentPosition;
    if (!(await afterStep(agent, loop, update, options))) break;
  }
  return loop;
}

/** Records the end of an episode (the segment's end) and tells the callbacks. */
export function endEpisode(agent: Agent, loop: LoopState, update: Diagnostics | null, callbacks: TrainCallback[]): void {
  loop.episodeRewards.push(loop.episodeReward);
  for (const cb of callbacks) cb.onEpisodeEnd?.({ step: agent.numTimesteps, agent, loop, update, reward: loop.episodeReward });
  loop.episode += 1;
  loop.episodeReward = 0;
}

/** Runs the callbacks of the step just taken and yields now and then; false when training must stop. */
export async function afterStep(agent: Agent, loop: LoopState, update: Diagnostics | null, options: TrainOptions): Promise<boolean> {
  const callbacks = options.callbacks ?? [];
  const step = agent.numTimesteps;
  let stop = false;
  const ctx: StepContext = { step, agent, loop, update };
  for (const cb of callbacks) if (cb.onStep?.(ctx) === false) stop = true;
  const last = step >= options.timesteps;
  for (const cb of callbacks) {
    if (cb.onMoment && ((cb.every && ((cb.offset ?? 0) + step) % cb.every === 0) || last)) {
      if ((await cb.onMoment(ctx)) === false) stop = true;
    }
  }
  if (stop) return false;
  // Let signal handlers and other callbacks run now and then; costs microseconds, changes no number.
  if (step % (options.backgroundBusy?.() ? BUSY_YIELD_EVERY : YIELD_EVERY) === 0) await new Promise((resolve) => setImmediate(resolve));
  return true;
}
