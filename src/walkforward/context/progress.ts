/** Where a run stands, reported at evenly spaced moments (saving.nProgressUpdates) and at iteration boundaries. */
export interface ProgressState {
  iteration: number;
  iterations: number;
  /** The seed's agent in training (0..seeds-1; training.seeds agents train one after another in each iteration). */
  seed: number;
  seeds: number;
  /** Step of the seed's agent, of timesteps. */
  step: number;
  timesteps: number;
  /** Steps done over the whole experiment (every seed's), finished iterations included; reaches totalSteps. */
  globalStep: number;
  totalSteps: number;
  /** Training steps per second in this process so far. */
  stepsPerSecond: number;
  /** The agent's state diagnostics (DQN: its exploration rate). */
  diagnostics: Record<string, number>;
  lastScore: number | null;
  bestScore: number | null;
  phase: 'training' | 'iteration-done' | 'finished';
}

export type ProgressListener = (state: ProgressState) => void;
