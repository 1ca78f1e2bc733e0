import type { EnvSpaces } from '../env/spaces.js';
import type { AlgorithmName, AlgorithmSpec } from './agent.js';
import type { AgentConfig } from './config.js';
import { dqnSpec } from './dqn/spec.js';
import { linearSpec } from './linear/spec.js';

/** Every algorithm, keyed on agent.algorithm (what config checks and readers need; create.ts builds the agents). */
export const algorithms: Readonly<Record<AlgorithmName, AlgorithmSpec>> = { dqn: dqnSpec, linear: linearSpec };

export function algorithmOf(config: Pick<AgentConfig, 'algorithm'>): AlgorithmSpec {
  return algorithms[config.algorithm];
}

/** The greedy network a model file of this configuration holds: its input, hidden layer sizes and outputs. */
export interface PolicyShape {
  obsDim: number;
  hidden: number[];
  nActions: number;
}

export function policyShape(config: AgentConfig, spaces: EnvSpaces): PolicyShape {
  const layers = algorithmOf(config).policyLayers(config, spaces);
  return { obsDim: layers[0], hidden: layers.slice(1, -1), nActions: layers[layers.length - 1] };
}
