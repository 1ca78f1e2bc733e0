import type { Agent } from '../agent/agent.js';
import type { PanelTradingEnv } from '../env/panel-env.js';
import { afterStep, endEpisode, type LoopState, type TrainOptions } from './train-loop.js';

export function initialPanelLoopState(env: PanelTradingEnv): LoopState {
  return {
    episode: 0,
    episodeReward: 0,
    envRow: env.firstDecisionRow,
    envPosition: 0,
    envPositions: new Array<number>(env.size).fill(0),
    episodeRewards: [],
  };
}

/**
 * trainAgent over a panel: one environment step is one date, at which the agent acts for every instrument of the
 * window's universe at once (actAll: one batched forward pass for those that act greedily), and each instrument's
 * transition goes into the one replay buffer, its reward multiplied by that instrument's scale (agent.rewardScaling
 * from its own training rows; the agent itself is built with scale 1). The agent counts one step per date, so
 * training.timesteps, evalFreq and every schedule are in dates, and a date adds `env.size` transitions. The episode
 * reward is the portfolio's: the weighted sum of the instruments' unscaled rewards.
 */
export async function trainPanelAgent(agent: Agent, env: PanelTradingEnv, rewardScales: Float64Array, options: TrainOptions): Promise<LoopState> {
  const n = env.size;
  if (rewardScales.length !== n) throw new RangeError(`${rewardScales.length} reward scales for ${n} instruments`);
  const loop: LoopState = options.resumeFrom ? structuredClone(options.resumeFrom) : initialPanelLoopState(env);
  const dim = env.obsDim;
  let obs: Float32Array = env.resetAt(loop.envRow, loop.envPositions ?? new Array<number>(n).fill(0));
  let nextObs: Float32Array = new Float32Array(n * dim);
  const actions = new Int32Array(n);
  const times = options.times;
  while (agent.numTimesteps < options.timesteps) {
    const t0 = times ? performance.now() : 0;
    agent.actAll(obs, n, actions);
    const t1 = times ? performance.now() : 0;
    const result = env.step(actions);
    env.observeAll(nextObs);
    let portfolio = 0;
    for (let k = 0; k < n; k++) {
      const at = k * dim;
      agent.remember(obs.subarray(at, at + dim), actions[k], result.rewards[k] * rewardScales[k], nextObs.subarray(at, at + dim), false);
      portfolio += env.weights[k] * result.rewards[k];
    }
    loop.episodeReward += portfolio;
    const t2 = times ? performance.now() : 0;
    const update = agent.onStep();
    if (times) {
      times.action += t1 - t0;
      times.environment += t2 - t1;
      times.training += performance.now() - t2;
    }
    if (result.done) {
      endEpisode(agent, loop, update, options.callbacks ?? []);
      env.reset(nextObs);
    }
    [obs, nextObs] = [nextObs, obs];
    loop.envRow = env.currentRow;
    loop.envPositions = Array.from(env.currentPositions);
    if (!(await afterStep(agent, loop, update, options))) break;
  }
  return loop;
}
