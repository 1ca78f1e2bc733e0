import { basename } from 'node:path';
import type { StateParts } from '../agent/state.js';
import { BackgroundSaver } from './background-saver.js';
import type { ExperimentStore, Written } from './experiment-store.js';
import { classify, layout } from './layout.js';
import { writeModelZip, type ModelMetadata, type ModelSnapshot } from './model-zip.js';
import { TrainingStore, type TrainingCheckpoint } from './training-store.js';

export type SaveKind = 'training' | 'current_best';

/** A save that committed: what training waited for it (msBlocked) and how long it took from snapshot to commit. */
export interface CommittedSave {
  kind: SaveKind;
  file: string;
  step: number;
  written: Written;
  msTotal: number;
  msBlocked: number;
}

/** What the manager reports as it saves; every hook is optional. */
export interface CheckpointHooks {
  /**
   * Milliseconds training waited for a save: for the snapshot and a save still in flight as the save started, or
   * (`late`) for the rest of a save the end of the iteration waited for.
   */
  blocked?(ms: number, late: boolean): void;
  committed?(save: CommittedSave): void;
  /** A training checkpoint the retention policy did not keep, removed after the newer one committed. */
  pruned?(file: string, step: number | null, rule: string): void;
  /** Test aid (WFO_TRACE): the phase the save is in. */
  trace?(phase: 'checkpoint-write' | 'training', fields: Record<string, string | number>): void;
}

export interface CheckpointManagerOptions {
  /**
   * Removes the training checkpoints the retention policy does not keep, after each committed one, and says which
   * and by what rule (retention/ decides and deletes: the store never removes a file itself).
   */
  prune?: (training: TrainingStore) => Promise<Array<{ file: string; rule: string }>>;
  hooks?: CheckpointHooks;
}

/**
 * One seed's checkpoints of one iteration (in the spirit of Orbax's CheckpointManager): saves behind training, one at
 * a time, so a committed training checkpoint never names a current best that is not on disk; prunes the training
 * checkpoints its retention policy does not keep after each new one commits; finds the latest that verifies and
 * restores it. Names come from layout, the file format from TrainingStore and model-zip.
 */
export class CheckpointManager {
  readonly training: TrainingStore;
  private readonly background = new BackgroundSaver();
  private readonly hooks: CheckpointHooks;
  /** When flush() began waiting; null while training goes on. */
  private flushedAt: number | null = null;

  constructor(
    private readonly store: ExperimentStore,
    readonly iteration: number,
    readonly seed: number,
    private readonly options: CheckpointManagerOptions = {},
  ) {
    this.training = new TrainingStore(store, iteration, seed);
    this.hooks = options.hooks ?? {};
  }

  /** True while a save is being written behind training. */
  get busy(): boolean {
    return this.background.busy;
  }

  /**
   * Saves the training state of `step` behind training: the caller has already taken the snapshot (since
   * `started`); zipping, hashing, fsync, listing and pruning run behind, so the index lists the checkpoint only once
   * it is committed and pruning counts only committed checkpoints.
   */
  saveTraining(started: number, step: number, state: StateParts, metadata: ModelMetadata, indexMetrics: Record<string, unknown>): Promise<void> {
    return this.behindTraining(started, 'training', step, async () => {
      this.hooks.trace?.('checkpoint-write', { iteration: this.iteration, step, file: basename(this.training.pathOf(step)), ...this.seedField() });
      const written = await this.training.save(step, state, metadata, indexMetrics);
      for (const { file, rule } of (await this.options.prune?.(this.training)) ?? []) this.hooks.pruned?.(file, classify(file)?.step ?? null, rule);
      return { file: written.path, written };
    });
  }

  /** Saves the seed's current best model (iterations/iter_N[/seed_K]/curr_best_model.zip) behind training. */
  saveCurrentBest(
    started: number,
    step: number,
    snapshot: ModelSnapshot,
    metadata: ModelMetadata,
    indexMetrics: Record<string, unknown>,
  ): Promise<void> {
    const path = layout.currentBest(this.iteration, this.seed);
    return this.behindTraining(started, 'current_best', step, async () => {
      this.hooks.trace?.('checkpoint-write', { iteration: this.iteration, step, file: basename(path) });
      const written = await writeModelZip(this.store.paths.at(path), snapshot, metadata);
      await this.store.record(path, written, { step, metrics: indexMetrics });
      return { file: path, written };
    });
  }

  /** Waits for the save in flight, counting the wait as blocked time of that save; rethrows its error. */
  async flush(): Promise<void> {
    this.flushedAt = performance.now();
    try {
      await this.background.flush();
    } finally {
      this.flushedAt = null;
    }
  }

  /** The newest training checkpoint that verifies and that `accept` does not refuse; each passed over goes to `onSkip`. */
  latest(accept: (checkpoint: TrainingCheckpoint) => string | null, onSkip: (path: string, why: string) => void): Promise<TrainingCheckpoint | null> {
    return this.training.latest(accept, onSkip);
  }

  /**
   * Starts a write behind training, one at a time, and counts what training waited for as the save's blocked time:
   * the snapshot taken since `started`, the previous save if still in flight, and, when the iteration ends while
   * this write runs, the rest of it.
   */
  private async behindTraining(
    started: number,
    kind: SaveKind,
    step: number,
    write: () => Promise<{ file: string; written: Written }>,
  ): Promise<void> {
    let blocked = 0; // set below, before the write can finish: it has to wait for the disk first
    await this.background.start(async () => {
      const { file, written } = await write();
      const waited = this.flushedAt === null ? 0 : performance.now() - Math.max(this.flushedAt, started + blocked);
      this.hooks.blocked?.(waited, true);
      this.hooks.committed?.({ kind, file, step, written, msTotal: performance.now() - started, msBlocked: blocked + waited });
      this.hooks.trace?.('training', { iteration: this.iteration, step });
    });
    blocked = performance.now() - started;
    this.hooks.blocked?.(blocked, false);
  }

  /** Seed 0's files say nothing of seeds, so a one-seed run writes what it always wrote. */
  private seedField(): { seed?: number } {
    return this.seed === 0 ? {} : { seed: this.seed };
  }
}
