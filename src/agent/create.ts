import type { EnvSpaces } from '../env/spaces.js';
import type { Agent, AgentOptions } from './agent.js';
import type { AgentConfig } from './config.js';
import { DqnAgent } from './dqn/dqn-agent.js';
import { LinearAgent } from './linear/linear-agent.js';

/** Builds the agent agent.algorithm names, for an environment of these spaces. */
export function createAgent(config: AgentConfig, spaces: EnvSpaces, options: AgentOptions): Agent {
  switch (config.algorithm) {
    case 'dqn':
      return new DqnAgent(config, spaces, options);
    case 'linear':
      return new LinearAgent(config, spaces, options);
  }
}
