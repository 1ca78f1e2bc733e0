import type { Agent } from '../agent/agent.js';
import { volatilityRewardScale } from '../agent/reward-scale.js';
import { chanceDistribution, countPositionChanges, type ChanceResult } from '../analysis/luck/index.js';
import type { MetricOptions } from '../analysis/metrics.js';
import type { Standardization } from '../data/features.js';
import type { WindowData } from '../env/market.js';
import { PanelTradingEnv, type PanelEnvSettings } from '../env/panel-env.js';
import type { PanelWindowData } from '../env/panel-market.js';
import { panelSpaces } from '../env/panel-spaces.js';
import type { EnvSpaces } from '../env/spaces.js';
import { TradingEnv, type EnvSettings } from '../env/trading-env.js';
import type { Rng } from '../random/rng.js';
import type { Segment, Window } from '../windows/build-windows.js';
import { holdPolicy, runPolicy, type SegmentRun } from './evaluate.js';
import { panelHoldPolicy, panelSchedulePolicy, runPanelPolicy, type PanelDetail } from './panel-evaluate.js';
import { trainPanelAgent } from './panel-train-loop.js';
import { envScheduleEvaluator } from './schedule-policy.js';
import { trainAgent, type LoopState, type TrainOptions } from './train-loop.js';

/** A greedy policy as evaluation runs it: one observation at a time, or a panel's laid end to end. */
export interface GreedyActions {
  action(obs: Float32Array): number;
  /** Actions of `count` observations at once; absent: `action` of each. */
  actions?(obs: Float32Array, count: number, out: Int32Array): void;
}

/** A segment's run; a panel's keeps each instrument's positions and returns beside the portfolio's. */
export type WindowRun = SegmentRun & { panel?: PanelDetail };

/** How the observations of the window's models are built: what a model file records to be run again. */
export interface ObservationFit {
  standardization: Standardization;
  /** A panel: each instrument's standardization and its weight in the portfolio. */
  panel?: { symbols: string[]; weights: number[]; standardizations: Standardization[] };
}

/**
 * Everything the walk-forward does with one window's market, for one instrument or a panel alike: train an agent on
 * the training rows, run a policy or a fixed position on a segment, measure what luck gives on it, and say what the
 * benchmark earned. The run's returns are the portfolio's for a panel (see runPanelPolicy).
 */
export interface WindowTrading {
  readonly window: Window;
  readonly spaces: EnvSpaces;
  /** Instruments traded at each step: 1, or the window's universe. */
  readonly instruments: number;
  readonly observation: ObservationFit;
  /** What the agent multiplies rewards by itself (a panel scales each instrument's in the loop and gives 1). */
  agentRewardScale(scaling: 'train-volatility' | 'none'): number;
  train(agent: Agent, scaling: 'train-volatility' | 'none', options: TrainOptions): Promise<LoopState>;
  run(segment: Segment, policy: GreedyActions): WindowRun;
  hold(segment: Segment, position: number): WindowRun;
  /** The benchmark's simple return on each bar of a run: the instrument's, or the weighted universe's. */
  marketReturns(run: WindowRun): number[];
  /** Random positions with the run's turnover (per instrument for a panel), through the same environment. */
  chance(segment: Segment, run: WindowRun, rng: Rng, draws: number): ChanceResult;
}

export function singleWindowTrading(data: WindowData, settings: EnvSettings, metricOptions: MetricOptions): WindowTrading {
  const { market, window } = data;
  const envOf = (s: Segment) => new TradingEnv(market, s.start, s.end, settings);
  const train = envOf(window.train);
  return {
    window,
    spaces: train.spaces,
    instruments: 1,
    observation: { standardization: data.standardization },
    agentRewardScale: (scaling) => (scaling === 'none' ? 1 : volatilityRewardScale(market.logReturns, window.train.start, window.train.end)),
    train: (agent, _scaling, options) => trainAgent(agent, train, options),
    run: (segment, policy) => runPolicy(envOf(segment), (obs) => policy.action(obs), metricOptions),
    hold: (segment, position) => {
      const env = envOf(segment);
      return runPolicy(env, holdPolicy(env, position), metricOptions);
    },
    marketReturns: (run) => Array.from(run.rows, (row) => market.simpleReturns[row]),
    chance: (segment, run, rng, draws) => {
      const env = envOf(segment);
      return chanceDistribution({
        evaluate: envScheduleEvaluator(env, metricOptions),
        allowedPositions: env.positions,
        bars: env.length,
        changes: countPositionChanges(run.positions),
        keptSharpe: run.metrics.sharpe,
        rng,
        draws,
      });
    },
  };
}

export function panelWindowTrading(data: PanelWindowData, settings: PanelEnvSettings, metricOptions: MetricOptions): WindowTrading {
  const { market, window } = data;
  const envOf = (s: Segment) => new PanelTradingEnv(market, s.start, s.end, settings);
  const trainEnv = envOf(window.train);
  const standardizations = market.universe.map((i) => data.standardizations[i] as Standardization);
  const weights = Array.from(trainEnv.weights);
  const actionsOf = (policy: GreedyActions) =>
    policy.actions?.bind(policy) ??
    ((obs: Float32Array, count: number, out: Int32Array) => {
      const dim = trainEnv.obsDim;
      for (let k = 0; k < count; k++) out[k] = policy.action(obs.subarray(k * dim, (k + 1) * dim));
    });
  const rewardScales = (scaling: 'train-volatility' | 'none') =>
    Float64Array.from(market.universe, (i) =>
      scaling === 'none' ? 1 : volatilityRewardScale(column(market, i), window.train.start, window.train.end),
    );
  return {
    window,
    spaces: panelSpaces(market.featureNames, settings),
    instruments: market.universe.length,
    observation: { standardization: standardizations[0], panel: { symbols: [...trainEnv.symbols], weights, standardizations } },
    agentRewardScale: () => 1,
    train: (agent, scaling, options) => trainPanelAgent(agent, trainEnv, rewardScales(scaling), options),
    run: (segment, policy) => runPanelPolicy(envOf(segment), actionsOf(policy), metricOptions),
    hold: (segment, position) => {
      const env = envOf(segment);
      return runPanelPolicy(env, panelHoldPolicy(env, position), metricOptions);
    },
    marketReturns: (run) =>
      Array.from(run.rows, (row) => {
        let sum = -0;
        market.universe.forEach((i, k) => (sum += weights[k] * market.simpleReturns[row * market.instruments + i]));
        return sum;
      }),
    chance: (segment, run, rng, draws) => {
      const env = envOf(segment);
      const detail = run.panel as PanelDetail;
      const n = env.size;
      const changes = Array.from({ length: n }, (_, k) =>
        countPositionChanges(Float64Array.from({ length: env.length }, (_, i) => detail.positions[i * n + k])),
      );
      return chanceDistribution({
        evaluate: (schedules) => runPanelPolicy(env, panelSchedulePolicy(env, schedules), metricOptions).metrics.sharpe,
        allowedPositions: env.positions,
        bars: env.length,
        changes,
        keptSharpe: run.metrics.sharpe,
        rng,
        draws,
      });
    },
  };
}

/** One instrument's log returns on every row of a panel market. */
function column(market: PanelWindowData['market'], instrument: number): Float64Array {
  return Float64Array.from({ length: market.rows }, (_, t) => market.logReturns[t * market.instruments + instrument]);
}
