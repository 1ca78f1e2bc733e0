import type { MetricName } from '../../analysis/metrics.js';
import type { WindowData } from '../../env/market.js';
import type { Candidate } from '../../records/schemas.js';
import { keepLast } from '../../retention/policies.js';
import { pruneTraining } from '../../retention/cleanup.js';
import type { Written } from '../../store/experiment-store.js';
import { classify, layout } from '../../store/layout.js';
import { BackgroundSaver } from '../../store/background-saver.js';
import { NetworkSnapshots, writeModelZip, type ModelMetadata } from '../../store/model-zip.js';
import type { PhaseClock } from '../../training/phase-clock.js';
import type { LoopState } from '../../training/train-loop.js';
import type { RunContext } from '../context/index.js';
import type { TrainingSession } from './training-session.js';
import { basename } from 'node:path';

/** What one iteration writes while it trains: its current best model and its training checkpoints. */
export class IterationSaves {
  private readonly n: number;
  private readonly metric: MetricName;
  private readonly background = new BackgroundSaver();
  private readonly bests: NetworkSnapshots;
  /** When flush() began waiting; null while training goes on. */
  private flushedAt: number | null = null;

  constructor(
    private readonly ctx: RunContext,
    private readonly data: WindowData,
    private readonly session: TrainingSession,
    private readonly clock: PhaseClock,
    /** The step of the newest training checkpoint on disk (-1: none yet in this attempt). */
    private lastSaved: number,
    /** The training seed whose files these are (0: the paths of a one-seed run). */
    private readonly seed = 0,
  ) {
    this.n = data.window.iteration;
    this.metric = ctx.config.selection.metric as MetricName;
    const { agent } = session;
    this.bests = new NetworkSnapshots(
      () => agent.exportPolicy(),
      () => agent.policyWeights(),
    );
  }

  /**
   * Makes the candidate the seed's current best and saves the model as iterations/iter_N[/seed_K]/curr_best_model.zip.
   * Training waits only for the weights' copy (and a save still in flight); the zip is written behind it, before any
   * later training checkpoint, so a committed checkpoint never names a best that is not on disk.
   */
  currentBest(candidate: Candidate, scoredOn: 'validation' | 'train'): Promise<void> {
    return this.clock.timed('saving', async () => {
      const started = performance.now();
      const { ctx, n } = this;
      const { config } = ctx;
      this.session.best = candidate;
      const path = layout.currentBest(n, this.seed);
      const snapshot = await this.bests.take();
      const metadata: ModelMetadata = {
        ...ctx.metadata,
        kind: 'model',
        iteration: n,
        step: candidate.step,
        ...this.seedField(),
        metrics: { [scoredOn]: candidate.metrics },
        observation: { lookback: config.env.lookback, features: config.features, standardization: this.data.standardization },
      };
      await this.behindTraining(started, 'current_best', candidate.step, async () => {
        ctx.trace('checkpoint-write', { iteration: n, step: candidate.step, file: basename(path) });
        const written = await writeModelZip(ctx.store.paths.at(path), snapshot, metadata);
        await ctx.store.record(path, written, { step: candidate.step, metrics: { [this.metric]: candidate.score } });
        return { file: path, written };
      });
    });
  }

  /**
   * Saves a training checkpoint of the whole session and keeps the newest checkpoint.keepTraining of them. Training
   * waits only for the snapshot (copies of the arrays) and for the previous save if that is still in flight; zipping,
   * hashing, fsync, listing and pruning run behind it, so the index lists the checkpoint only once it is committed
   * and pruning counts only committed checkpoints. flush() must run before the iteration ends.
   */
  training(loop: LoopState): Promise<void> {
    return this.clock.timed('saving', async () => {
      const started = performance.now();
      const { ctx, n, session } = this;
      const step = session.agent.numTimesteps;
      const state = session.snapshot(loop, this.clock.elapsed, ctx.config.checkpoint.saveReplayBuffer);
      const metadata = {
        ...ctx.metadata,
        kind: 'training' as const,
        iteration: n,
        step,
        ...this.seedField(),
        metrics: session.best ? { [this.metric]: session.best.score } : {},
      };
      const indexMetrics = session.agent.stateDiagnostics();
      this.lastSaved = step;
      await this.behindTraining(started, 'training', step, async () => {
        const training = ctx.store.training(n, this.seed);
        ctx.trace('checkpoint-write', { iteration: n, step, file: basename(training.pathOf(step)), ...this.seedField() });
        const written = await training.save(step, state, metadata, indexMetrics);
        const policy = keepLast(ctx.config.checkpoint.keepTraining);
        for (const removed of await pruneTraining(ctx.store.index, training, policy)) {
          ctx.logger.debug(
            { event: 'cleanup-removal', iteration: n, step: classify(removed)?.step ?? null, file: removed, rule: `not kept by ${policy.name}` },
            `iteration ${n}: removed ${removed} (not kept by ${policy.name})`,
          );
        }
        return { file: written.path, written };
      });
    });
  }

  /**
   * Starts a write behind training, one at a time, and counts what training waited for as the save's blocked time:
   * the snapshot taken since `started`, the previous save if still in flight, and, when the iteration ends while
   * this write runs, the rest of it.
   */
  private async behindTraining(
    started: number,
    kind: 'training' | 'current_best',
    step: number,
    write: () => Promise<{ file: string; written: Written }>,
  ): Promise<void> {
    let blocked = 0; // set below, before the write can finish: it has to wait for the disk first
    await this.background.start(async () => {
      const { file, written } = await write();
      const waited = this.flushedAt === null ? 0 : performance.now() - Math.max(this.flushedAt, started + blocked);
      this.clock.saveBlocked(waited, true);
      this.logCommitted(kind, file, step, written, performance.now() - started, blocked + waited);
      this.ctx.trace('training', { iteration: this.n, step });
    });
    blocked = performance.now() - started;
    this.clock.saveBlocked(blocked);
  }

  /** True while a save is being written behind training. */
  get busy(): boolean {
    return this.background.busy;
  }

  /** Waits for the save in flight, counting the wait as blocked time of that save; rethrows its error. */
  flush(): Promise<void> {
    return this.clock.timed('saving', async () => {
      this.flushedAt = performance.now();
      try {
        await this.background.flush();
      } finally {
        this.flushedAt = null;
      }
    });
  }

  /**
   * The run.log line of a committed file: msTotal from the snapshot to the commit (and pruning, for training
   * checkpoints), msBlocked what training waited for.
   */
  private logCommitted(kind: 'training' | 'current_best', file: string, step: number, written: Written, ms: number, blockedMs: number): void {
    const round = (x: number) => Math.round(x * 100) / 100;
    const msTotal = round(ms);
    const msBlocked = round(blockedMs);
    this.ctx.logger.debug(
      { event: 'checkpoint', kind, iteration: this.n, step, file, bytes: written.size, sha256: written.sha256, msBlocked, msTotal },
      `iteration ${this.n}: committed ${file} (${written.size} bytes, ${msTotal.toFixed(1)} ms, ${msBlocked.toFixed(1)} ms blocking training)`,
    );
  }

  /** Seed 0's files say nothing of seeds, so a one-seed run writes what it always wrote. */
  private seedField(): { seed?: number } {
    return this.seed === 0 ? {} : { seed: this.seed };
  }

  /** Saves a training checkpoint unless the newest one is of the current step already. */
  async trainingIfNew(loop: LoopState): Promise<void> {
    if (this.lastSaved !== this.session.agent.numTimesteps) await this.training(loop);
  }
}
