import type { MetricName } from '../analysis/metrics.js';
import type { WindowData } from '../env/market.js';
import type { Candidate } from '../records/schemas.js';
import { keepLast } from '../retention/policies.js';
import { pruneTraining } from '../retention/cleanup.js';
import type { Written } from '../store/experiment-store.js';
import { classify, layout } from '../store/layout.js';
import { saveModelZip } from '../store/model-zip.js';
import type { PhaseClock } from '../training/phase-clock.js';
import type { LoopState } from '../training/train-loop.js';
import type { RunContext } from './context.js';
import type { TrainingSession } from './training-session.js';
import { basename } from 'node:path';

/** What one iteration writes while it trains: its current best model and its training checkpoints. */
export class IterationSaves {
  private readonly n: number;
  private readonly metric: MetricName;

  constructor(
    private readonly ctx: RunContext,
    private readonly data: WindowData,
    private readonly session: TrainingSession,
    private readonly clock: PhaseClock,
    /** The step of the newest training checkpoint on disk (-1: none yet in this attempt). */
    private lastSaved: number,
  ) {
    this.n = data.window.iteration;
    this.metric = ctx.config.selection.metric as MetricName;
  }

  /** Makes the candidate the iteration's current best and saves the model as iterations/iter_N/curr_best_model.zip. */
  currentBest(candidate: Candidate, scoredOn: 'validation' | 'train'): Promise<void> {
    return this.clock.timed('saving', async () => {
      const { ctx, n } = this;
      const { config } = ctx;
      this.session.best = candidate;
      const path = layout.currentBest(n);
      ctx.trace('checkpoint-write', { iteration: n, step: candidate.step, file: basename(path) });
      const started = performance.now();
      const written = await saveModelZip(ctx.store.paths.at(path), this.session.agent.exportModel(), {
        ...ctx.metadata,
        kind: 'model',
        iteration: n,
        step: candidate.step,
        metrics: { [scoredOn]: candidate.metrics },
        observation: { lookback: config.env.lookback, features: config.features, standardization: this.data.standardization },
      });
      await ctx.store.record(path, written, { step: candidate.step, metrics: { [this.metric]: candidate.score } });
      this.logCommitted('current_best', path, candidate.step, written, performance.now() - started);
      ctx.trace('training', { iteration: n, step: candidate.step });
    });
  }

  /** Saves a training checkpoint of the whole session and keeps the newest checkpoint.keepTraining of them. */
  training(loop: LoopState): Promise<void> {
    return this.clock.timed('saving', async () => {
      const { ctx, n, session } = this;
      const step = session.agent.numTimesteps;
      const training = ctx.store.training(n);
      ctx.trace('checkpoint-write', { iteration: n, step, file: basename(layout.trainingCheckpoint(n, step)) });
      const started = performance.now();
      const written = await training.save(
        step,
        session.snapshot(loop, this.clock.elapsed, ctx.config.checkpoint.saveReplayBuffer),
        { ...ctx.metadata, kind: 'training', iteration: n, step, metrics: session.best ? { [this.metric]: session.best.score } : {} },
        { epsilon: session.agent.epsilon },
      );
      this.logCommitted('training', written.path, step, written, performance.now() - started);
      const policy = keepLast(ctx.config.checkpoint.keepTraining);
      for (const removed of await pruneTraining(ctx.store.index, training, policy)) {
        ctx.logger.debug(
          { event: 'cleanup-removal', iteration: n, step: classify(removed)?.step ?? null, file: removed, rule: `not kept by ${policy.name}` },
          `iteration ${n}: removed ${removed} (not kept by ${policy.name})`,
        );
      }
      this.lastSaved = step;
      ctx.trace('training', { iteration: n, step });
    });
  }

  /** The run.log line of a committed file; saves run on the training thread, so it waits for all of it. */
  private logCommitted(kind: 'training' | 'current_best', file: string, step: number, written: Written, ms: number): void {
    const msTotal = Math.round(ms * 100) / 100;
    this.ctx.logger.debug(
      { event: 'checkpoint', kind, iteration: this.n, step, file, bytes: written.size, sha256: written.sha256, msBlocked: msTotal, msTotal },
      `iteration ${this.n}: committed ${file} (${written.size} bytes, ${msTotal.toFixed(1)} ms)`,
    );
  }

  /** Saves a training checkpoint unless the newest one is of the current step already. */
  async trainingIfNew(loop: LoopState): Promise<void> {
    if (this.lastSaved !== this.session.agent.numTimesteps) await this.training(loop);
  }
}
