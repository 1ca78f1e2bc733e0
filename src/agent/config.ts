import { z } from 'zod';
import { algorithmNames } from './agent.js';

/**
 * The agent's settings: which algorithm, then each algorithm's own keys (DQN's follow Stable-Baselines3's defaults,
 * except where daily data and the reference workload of ../shared/bench call for other values, each noted).
 */
const int = () => z.number().int();

/** How a panel's gradient steps per phase grow with its instruments (see panelGradientSteps below). */
export const panelGradientScalings = ['sqrt', 'same', 'perInstrument'] as const;
export type PanelGradientScaling = (typeof panelGradientScalings)[number];

export const replaySchema = z
  .object({
    prioritized: z.boolean().default(true).describe('Prioritized experience replay (Schaul et al.); false = uniform'),
    alpha: z.number().min(0).max(1).default(0.6).describe('Priority exponent'),
    betaStart: z.number().min(0).max(1).default(0.4).describe('Importance-sampling exponent at the start of training'),
    betaEnd: z.number().min(0).max(1).default(1).describe('Importance-sampling exponent reached at the end of training'),
    priorityEpsilon: z.number().positive().default(1e-6).describe('Added to |TD error| so no priority is zero'),
  })
  .strict();

export const agentSchema = z
  .object({
    algorithm: z
      .enum(algorithmNames)
      .default('dqn')
      .describe(
        "dqn: deep Q-network with prioritized replay; linear: ridge regression of each action's next-bar reward on the features (a baseline)",
      ),
    layers: z
      .array(int().min(1).max(4096))
      .min(1)
      .max(8)
      .default([32, 32])
      .describe('Hidden layer sizes (ReLU); the study chose [32, 32] over [128, 128]'),
    gamma: z.number().min(0).max(1).default(0).describe('Discount factor; an action shapes one bar, and the study chose 0 from 0, 0.5, 0.9, 0.99'),
    learningRate: z.number().positive().max(1).default(3e-4).describe('Adam learning rate (SB3: 1e-4; the study chose 3e-4)'),
    weightDecay: z
      .number()
      .min(0)
      .default(1)
      .describe(
        'Decoupled weight decay (AdamW) on the weight matrices, not the biases: each step multiplies them by 1 - learningRate * weightDecay; the study chose 1 from 0, 0.3, 1, 3',
      ),
    batchSize: int().min(1).default(64).describe('Transitions per gradient step (SB3: 32; reference workload: 64)'),
    bufferSize: int().min(1).default(100_000).describe('Replay capacity (SB3: 1e6; daily series are far shorter)'),
    learningStarts: int().min(0).default(1000).describe('Environment steps before the first gradient step'),
    trainFreq: int().min(1).default(4).describe('Environment steps between gradient phases'),
    gradientSteps: int().min(1).default(1).describe('Gradient steps per phase'),
    panelGradientSteps: z
      .enum(panelGradientScalings)
      .default('sqrt')
      .describe(
        "A panel run of N instruments, whose date stores N transitions: gradient steps per phase are agent.gradientSteps times ceil(sqrt(N)) (sqrt), times 1 (same), or times N (perInstrument: each transition replayed as often as one instrument's)",
      ),
    targetUpdateInterval: int().min(1).default(1000).describe('Environment steps between target-network copies (SB3: 10000; runs here are shorter)'),
    explorationFraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe('Fraction of the learning steps (after learningStarts) over which epsilon decays; the study chose 0.3 over 0.1'),
    explorationInitial: z.number().min(0).max(1).default(1).describe('Epsilon at the start'),
    explorationFinal: z.number().min(0).max(1).default(0.05).describe('Epsilon after the decay'),
    doubleDqn: z.boolean().default(true).describe('Double DQN targets (online net picks, target net values)'),
    maxGradNorm: z.number().positive().default(10).describe('Gradient clipping by global norm'),
    huberDelta: z.number().positive().default(1).describe('Huber loss threshold'),
    rewardScaling: z
      .enum(['train-volatility', 'none'])
      .default('train-volatility')
      .describe("Divide rewards by the standard deviation of the training segment's log returns (none: raw log returns)"),
    replay: replaySchema.prefault({}),
    ridge: z
      .number()
      .min(0)
      .default(1)
      .describe('linear: L2 penalty of the ridge regression of each action (in units of scaled reward squared; the transitions outweigh it)'),
    engine: z
      .enum(['kernel', 'tfjs'])
      .default('kernel')
      .describe('kernel: fused WebAssembly SIMD update (fast); tfjs: the TensorFlow.js reference on the chosen backend'),
  })
  .strict();

export type AgentConfig = z.infer<typeof agentSchema>;

/**
 * Gradient steps per phase for a step that stores `transitions` transitions (a panel's instruments). One instrument
 * learns as it always did. A panel of N gives N times the experience per date: `same` replays each transition 1/N as
 * often as one instrument's, `perInstrument` as often (and so costs N times the updates, losing the batching's
 * speed), `sqrt` is the geometric middle of the two.
 */
export function gradientStepsPerPhase(config: Pick<AgentConfig, 'gradientSteps' | 'panelGradientSteps'>, transitions: number): number {
  const factor = { sqrt: Math.ceil(Math.sqrt(transitions)), same: 1, perInstrument: transitions }[config.panelGradientSteps];
  return config.gradientSteps * factor;
}
