/** Where a run stands, reported at evenly spaced moments (saving.nProgressUpdates) and at iteration boundaries. */
export interface ProgressState {
  iteration: number;
  iterations: number;
  step: number;
  timesteps: number;
  /** Steps done over the whole experiment, finished iterations included. */
  globalStep: number;
  totalSteps: number;
  /** Training steps per second in this process so far. */
  stepsPerSecond: number;
  epsilon: number | null;
  lastScore: number | null;
  bestScore: number | null;
  phase: 'training' | 'iteration-done' | 'finished';
}

export type ProgressListener = (state: ProgressState) => void;
