import type { AlgorithmSpec } from '../agent.js';
import { linearPolicyLayers, linearStateFromParts } from './state.js';

/** The ridge-regression baseline, as the registry knows it (the agent is linear-agent.ts). */
export const linearSpec: AlgorithmSpec = {
  name: 'linear',
  policyLayers: (_config, spaces) => linearPolicyLayers(spaces),
  checkState: (parts) => {
    try {
      linearStateFromParts(parts);
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  },
  diagnostics: [],
  describe: (a) => `linear: ridge regression of each action's next-bar reward on the observation (penalty ${a.ridge}), random exploration`,
  rules: ({ training }) => ({
    errors: training.warmStart
      ? ['training.warmStart with agent.algorithm=linear: the linear agent fits each window from its own training rows; turn warm start off']
      : [],
    warnings: [],
  }),
};
