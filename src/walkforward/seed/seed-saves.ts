import type { MetricName } from '../../analysis/metrics.js';
import type { Candidate } from '../../records/index.js';
import { pruneTraining } from '../../retention/delete.js';
import { keepLast } from '../../retention/policies.js';
import type { CheckpointManager, CommittedSave } from '../../store/checkpoint-manager.js';
import { NetworkSnapshots, type ModelMetadata } from '../../store/model-zip.js';
import type { PhaseClock } from '../../training/phase-clock.js';
import type { LoopState } from '../../training/train-loop.js';
import type { WindowTrading } from '../../training/window-trading.js';
import type { RunContext } from '../context/index.js';
import type { TrainingSession } from './training-session.js';
import { modelObservation } from './model-observation.js';

/**
 * What one seed of an iteration saves while it trains, through its checkpoint manager: the current best model and
 * the training checkpoints. This side takes the snapshots (training waits only for them), builds their metadata,
 * counts saving time and logs each commit; the manager writes behind training and prunes.
 */
export class SeedSaves {
  private readonly n: number;
  private readonly metric: MetricName;
  private readonly bests: NetworkSnapshots;
  readonly checkpoints: CheckpointManager;

  constructor(
    private readonly ctx: RunContext,
    private readonly trading: WindowTrading,
    private readonly session: TrainingSession,
    private readonly clock: PhaseClock,
    /** The step of the newest training checkpoint on disk (-1: none yet in this attempt). */
    private lastSaved: number,
    /** The training seed whose files these are (0: the paths of a one-seed run). */
    private readonly seed = 0,
  ) {
    this.n = trading.window.iteration;
    this.metric = ctx.config.selection.metric as MetricName;
    const { agent } = session;
    this.bests = new NetworkSnapshots(
      () => agent.exportPolicy(),
      () => agent.policyWeights(),
    );
    const policy = keepLast(ctx.config.checkpoint.keepTraining);
    this.checkpoints = ctx.store.checkpoints(this.n, seed, {
      prune: async (training) =>
        (await pruneTraining(ctx.store.index, training, policy)).map((file) => ({ file, rule: `not kept by ${policy.name}` })),
      hooks: {
        blocked: (ms, late) => clock.saveBlocked(ms, late),
        committed: (save) => this.logCommitted(save),
        pruned: (file, step, rule) =>
          ctx.logger.debug({ event: 'cleanup-removal', iteration: this.n, step, file, rule }, `iteration ${this.n}: removed ${file} (${rule})`),
        trace: (phase, fields) => ctx.trace(phase, fields),
      },
    });
  }

  /**
   * Makes the candidate the seed's current best and saves the model as iterations/iter_N[/seed_K]/curr_best_model.zip.
   * Training waits only for the weights' copy (and a save still in flight); the zip is written behind it, before any
   * later training checkpoint, so a committed checkpoint never names a best that is not on disk.
   */
  currentBest(candidate: Candidate, scoredOn: 'validation' | 'train'): Promise<void> {
    return this.clock.timed('saving', async () => {
      const started = performance.now();
      this.session.best = candidate;
      const snapshot = await this.bests.take();
      const metadata: ModelMetadata = {
        ...this.ctx.metadata,
        kind: 'model',
        iteration: this.n,
        step: candidate.step,
        ...this.seedField(),
        metrics: { [scoredOn]: candidate.metrics },
        observation: modelObservation(this.ctx.config, this.trading),
      };
      await this.checkpoints.saveCurrentBest(started, candidate.step, snapshot, metadata, { [this.metric]: candidate.score });
    });
  }

  /**
   * Saves a training checkpoint of the whole session; training waits only for the snapshot (copies of the arrays)
   * and for the previous save if that is still in flight. flush() must run before the iteration ends.
   */
  training(loop: LoopState): Promise<void> {
    return this.clock.timed('saving', async () => {
      const started = performance.now();
      const { ctx, session } = this;
      const step = session.agent.numTimesteps;
      const state = session.snapshot(loop, this.clock.elapsed, ctx.config.checkpoint.saveReplayBuffer);
      const metadata: ModelMetadata = {
        ...ctx.metadata,
        kind: 'training',
        iteration: this.n,
        step,
        ...this.seedField(),
        metrics: session.best ? { [this.metric]: session.best.score } : {},
      };
      this.lastSaved = step;
      await this.checkpoints.saveTraining(started, step, state, metadata, session.agent.stateDiagnostics());
    });
  }

  /** Saves a training checkpoint unless the newest one is of the current step already. */
  async trainingIfNew(loop: LoopState): Promise<void> {
    if (this.lastSaved !== this.session.agent.numTimesteps) await this.training(loop);
  }

  /** True while a save is being written behind training. */
  get busy(): boolean {
    return this.checkpoints.busy;
  }

  /** Waits for the save in flight, counting the wait as blocked time of that save; rethrows its error. */
  flush(): Promise<void> {
    return this.clock.timed('saving', () => this.checkpoints.flush());
  }

  /**
   * The run.log line of a committed file: msTotal from the snapshot to the commit (and pruning, for training
   * checkpoints), msBlocked what training waited for.
   */
  private logCommitted({ kind, file, step, written, msTotal, msBlocked }: CommittedSave): void {
    const round = (x: number) => Math.round(x * 100) / 100;
    const total = round(msTotal);
    const blocked = round(msBlocked);
    this.ctx.logger.debug(
      { event: 'checkpoint', kind, iteration: this.n, step, file, bytes: written.size, sha256: written.sha256, msBlocked: blocked, msTotal: total },
      `iteration ${this.n}: committed ${file} (${written.size} bytes, ${total.toFixed(1)} ms, ${blocked.toFixed(1)} ms blocking training)`,
    );
  }

  /** Seed 0's files say nothing of seeds, so a one-seed run writes what it always wrote. */
  private seedField(): { seed?: number } {
    return this.seed === 0 ? {} : { seed: this.seed };
  }
}
