import { observationSize } from '../../env/spaces.js';
import type { AlgorithmSpec } from '../agent.js';
import type { AgentConfig } from '../config.js';
import { agentStateFromParts } from './state.js';

/** Per-bar rewards are a few percent at most, so discounted Q-values this large mean the estimates blew up. */
const Q_LIMIT = 100;

type Settings = Parameters<AlgorithmSpec['rules']>[0];
type Rule = (c: Settings) => string | null;

const learningStartsBeforeEnd: Rule = ({ agent, training }) =>
  agent.learningStarts < training.timesteps
    ? null
    : `agent.learningStarts (${agent.learningStarts}) must be less than training.timesteps (${training.timesteps}), or no gradient step is ever taken`;

const batchFitsBuffer: Rule = ({ agent }) =>
  agent.batchSize <= agent.bufferSize ? null : `agent.batchSize (${agent.batchSize}) must be at most agent.bufferSize (${agent.bufferSize})`;

const explorationOrdered: Rule = ({ agent }) =>
  agent.explorationFinal <= agent.explorationInitial
    ? null
    : `agent.explorationFinal (${agent.explorationFinal}) must not exceed agent.explorationInitial (${agent.explorationInitial})`;

const betaOrdered: Rule = ({ agent }) =>
  agent.replay.betaStart <= agent.replay.betaEnd
    ? null
    : `agent.replay.betaStart (${agent.replay.betaStart}) must not exceed agent.replay.betaEnd (${agent.replay.betaEnd})`;

const decayBelowOne: Rule = ({ agent }) =>
  agent.learningRate * agent.weightDecay < 1
    ? null
    : `agent.learningRate * agent.weightDecay (${agent.learningRate} * ${agent.weightDecay}) must be below 1: each step multiplies the weights by 1 minus it`;

const targetUpdateWithinRun: Rule = ({ agent, training }) =>
  agent.targetUpdateInterval <= training.timesteps
    ? null
    : `agent.targetUpdateInterval (${agent.targetUpdateInterval}) exceeds training.timesteps (${training.timesteps}): the target network is never refreshed`;

const bufferHoldsLittle: Rule = ({ agent }) =>
  agent.bufferSize >= agent.batchSize * 10
    ? null
    : `agent.bufferSize (${agent.bufferSize}) is under ten batches: replayed samples will be highly correlated`;

const run = (rules: Rule[], c: Settings) => rules.map((r) => r(c)).filter((m): m is string => m !== null);

/** DQN with prioritized replay, as the registry knows it (the agent is dqn-agent.ts). */
export const dqnSpec: AlgorithmSpec = {
  name: 'dqn',
  policyLayers: (config: AgentConfig, spaces) => [observationSize(spaces), ...config.layers, spaces.action.n],
  checkState: (parts) => {
    try {
      agentStateFromParts(parts);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  },
  diagnostics: [
    { name: 'loss', source: 'mean', chart: { title: 'Loss (Huber, mean per interval; log scale)', log: true } },
    { name: 'epsilon', source: 'state', chart: { title: 'Exploration epsilon', domain: [0, 1] } },
    {
      name: 'maxAbsQ',
      source: 'max',
      limit: {
        above: Q_LIMIT,
        warning: (q) => `Q-values reached ${q.toExponential(2)}; rewards are per-bar returns, so |Q| should stay far below ${Q_LIMIT}`,
      },
    },
  ],
  describe: (a) =>
    `DQN ${a.doubleDqn ? '(double) ' : ''}MLP [${a.layers.join(', ')}], ${a.replay.prioritized ? 'prioritized' : 'uniform'} replay ${a.bufferSize}, batch ${a.batchSize}, lr ${a.learningRate}, gamma ${a.gamma}`,
  rules: (c) => ({
    errors: run([decayBelowOne, learningStartsBeforeEnd, batchFitsBuffer, explorationOrdered, betaOrdered], c),
    warnings: run([targetUpdateWithinRun, bufferHoldsLittle], c),
  }),
};
