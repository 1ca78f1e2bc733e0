import { rm, mkdir } from 'node:fs/promises';
import { DqnAgent } from '../agent/dqn-agent.js';
import { score, type MetricName, type Metrics } from '../analysis/metrics.js';
import { saveModelZip, type ModelMetadata } from '../checkpoint/model-zip.js';
import type { PipelineConfig } from '../config/schema.js';
import { TradingEnv, type MarketView } from '../env/trading-env.js';
import { Rng } from '../random/rng.js';
import type { Candidate } from '../results/schemas.js';
import { runPolicy } from '../training/evaluate.js';
import { trainAgent, type TrainCallback } from '../training/train-loop.js';
import type { Window } from '../windows/build-windows.js';
import type { ExperimentPaths } from './paths.js';

export interface TrainedIteration {
  candidates: Candidate[];
  /** The candidate kept as the iteration's current best (saved to curr_best_model.zip), if any evaluation ran. */
  best: Candidate | null;
  scoredOn: 'validation' | 'train';
  timesteps: number;
  updates: number;
  episodes: number;
  finalEpsilon: number;
  seconds: number;
}

export interface IterationInputs {
  config: PipelineConfig;
  window: Window;
  market: MarketView;
  seed: number;
  paths: ExperimentPaths;
  metadata: Omit<ModelMetadata, 'iteration' | 'step' | 'metrics' | 'createdAt'>;
  warmStart: Float32Array[] | null;
  metricOptions: { periodsPerYear: number; riskFreeRate: number };
}

/**
 * Trains a fresh agent on the window's train segment. Every evalFreq steps (and at the end) the greedy policy
 * runs on the validation segment; when the selection metric improves, the model is saved as the iteration's
 * current best. With selection.on=last only the final model is kept (scored on validation, or on train when
 * there is no validation segment).
 */
export async function trainIteration(inputs: IterationInputs): Promise<TrainedIteration> {
  const { config, window, market, paths } = inputs;
  const started = performance.now();
  const n = window.iteration;
  const env = new TradingEnv(market, window.train.start, window.train.end, config.env);
  const scoreSegment = window.validation ?? window.train;
  const scoredOn = window.validation ? 'validation' : 'train';
  const scoreEnv = new TradingEnv(market, scoreSegment.start, scoreSegment.end, config.env);
  const rng = Rng.fromSeed(inputs.seed);
  const timesteps = config.training.timesteps;
  const agent = new DqnAgent(config.agent, env.obsDim, env.nActions, rng, timesteps);
  if (inputs.warmStart) {
    agent.online.setWeights(inputs.warmStart);
    agent.target.copyFrom(agent.online);
  }
  await rm(paths.iterationDir(n), { recursive: true, force: true });
  await mkdir(paths.iterationDir(n), { recursive: true });

  const metric = config.selection.metric as MetricName;
  const candidates: Candidate[] = [];
  let best: Candidate | null = null;
  const saveCurrentBest = async (candidate: Candidate) => {
    best = candidate;
    await saveModelZip(paths.currentBest(n), agent.online.model, {
      ...inputs.metadata,
      iteration: n,
      step: candidate.step,
      metrics: { [scoredOn]: candidate.metrics },
      createdAt: new Date().toISOString(),
    });
  };
  const evaluate = (): Candidate => {
    const metrics: Metrics = runPolicy(scoreEnv, (obs) => agent.greedyAction(obs), inputs.metricOptions).metrics;
    const s = score(metrics, metric);
    return { step: agent.numTimesteps, score: Number.isFinite(s) ? s : null, metrics };
  };
  const selection: TrainCallback =
    config.selection.on === 'best'
      ? {
          every: config.training.evalFreq,
          onMoment: async () => {
            const candidate = evaluate();
            candidates.push(candidate);
            if (best === null || (candidate.score ?? -Infinity) > (best.score ?? -Infinity)) await saveCurrentBest(candidate);
          },
        }
      : {
          onMoment: async ({ step }) => {
            if (step < timesteps) return;
            const candidate = evaluate();
            candidates.push(candidate);
            await saveCurrentBest(candidate);
          },
        };
  try {
    const loop = await trainAgent(agent, env, { timesteps, callbacks: [selection] });
    return {
      candidates,
      best,
      scoredOn,
      timesteps: agent.numTimesteps,
      updates: agent.numUpdates,
      episodes: loop.episode,
      finalEpsilon: agent.epsilon,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    agent.dispose();
  }
}
