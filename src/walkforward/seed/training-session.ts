import { z } from 'zod';
import type { Agent, AlgorithmSpec } from '../../agent/agent.js';
import type { StateParts } from '../../agent/state.js';
import type { Rng } from '../../random/rng.js';
import { candidateSchema, type Candidate } from '../../records/index.js';
import { emptyHistory, trainingHistorySchema, type TrainingHistory } from '../../training/history.js';
import type { LoopState } from '../../training/train-loop.js';

const sessionSchema = z.object({
  agent: z.record(z.string(), z.unknown()),
  rng: z.array(z.number().int()),
  loop: z.object({
    episode: z.number().int().nonnegative(),
    episodeReward: z.number(),
    envRow: z.number().int().nonnegative(),
    envPosition: z.number(),
    envPositions: z.array(z.number()).optional(),
    episodeRewards: z.array(z.number()),
    elapsedSeconds: z.number().optional(),
  }),
  candidates: z.array(candidateSchema),
  best: candidateSchema.nullable(),
  untrained: candidateSchema.nullable(),
  history: trainingHistorySchema,
});

/**
 * Everything that shapes the rest of one iteration's training: the agent, the generator, the loop position, every
 * validation candidate so far, the best of them and the curves. It snapshots and restores itself here and only
 * here, so a resumed iteration continues exactly where the snapshot was taken.
 */
export class TrainingSession {
  candidates: Candidate[] = [];
  best: Candidate | null = null;
  /** The network scored before any gradient step: the reference a kept model must be compared with. */
  untrained: Candidate | null = null;
  history: TrainingHistory;
  loop: LoopState | undefined;
  /** Training seconds before this process took over (a resume adds to them). */
  priorSeconds = 0;

  constructor(
    readonly agent: Agent,
    readonly rng: Rng,
    timesteps: number,
  ) {
    this.history = emptyHistory(timesteps);
  }

  snapshot(loop: LoopState, elapsedSeconds: number, includeExperience: boolean): StateParts {
    const agent = this.agent.saveState(includeExperience);
    const json: z.input<typeof sessionSchema> = {
      agent: agent.json,
      rng: this.rng.getState(),
      loop: { ...loop, elapsedSeconds },
      candidates: this.candidates,
      best: this.best,
      untrained: this.untrained,
      history: this.history,
    };
    return { json, arrays: agent.arrays };
  }

  /** What is wrong with a snapshot of an agent of this algorithm, or null when it can be restored; changes nothing. */
  static check(parts: StateParts, algorithm: Pick<AlgorithmSpec, 'checkState'>): string | null {
    const checked = sessionSchema.safeParse(parts.json);
    if (!checked.success)
      return `training state does not fit its schema: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
    return algorithm.checkState({ json: checked.data.agent, arrays: parts.arrays });
  }

  /** Restores a snapshot that passed check(). The values are used as saved. */
  restore(parts: StateParts, algorithm: Pick<AlgorithmSpec, 'checkState'>): void {
    const problem = TrainingSession.check(parts, algorithm);
    if (problem) throw new Error(problem);
    // Validated, but restored from the raw JSON: parsing could normalise a field and the resumed run must be exact.
    const json = parts.json as z.input<typeof sessionSchema>;
    this.agent.restoreState({ json: json.agent, arrays: parts.arrays });
    this.rng.setState(json.rng);
    this.loop = json.loop;
    this.priorSeconds = json.loop.elapsedSeconds ?? 0;
    this.candidates = json.candidates;
    this.best = json.best;
    this.untrained = json.untrained;
    // The interval in progress as it is read, which converts the form earlier versions saved it in.
    this.history = { ...json.history, pending: sessionSchema.shape.history.shape.pending.parse(json.history.pending) };
  }
}
