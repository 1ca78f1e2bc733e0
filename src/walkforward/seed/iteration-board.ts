import { TensorBoardWriter } from '../../logging/tensorboard/index.js';
import type { Logger } from '../../logging/logger.js';
import type { Candidate } from '../../records/index.js';
import type { TrainingHistory } from '../../training/history.js';
import type { TrainCallback } from '../../training/train-loop.js';
import type { RunContext } from '../context/index.js';

/** The scalar tags of an iteration's TensorBoard folder. */
export const iterationTags = {
  episodeReward: 'train/episode_reward',
  /** An agent's diagnostic, in snake case: `train/loss`, `train/epsilon`, `train/max_abs_q` for DQN. */
  diagnostic: (name: string) => `train/${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
  stepsPerSecond: 'perf/steps_per_second',
  /** The selection score of each evaluation, e.g. `eval/sharpe`. */
  score: (metric: string) => `eval/${metric}`,
} as const;

/**
 * One seed's TensorBoard folder of an iteration (tensorboard/iter_NNN/ for seed 0, tensorboard/iter_NNN/seed_K/
 * for seed K >= 1: TensorBoard shows each as its own run), written by whichever thread trains the iteration.
 * It mirrors the iteration's history and candidates: everything not yet in the file is appended at each step where
 * they grew, so a resumed iteration (whose history comes back with its checkpoint) continues each curve, and the
 * writer drops steps the file already holds. Wall times come from the run's clock.
 */
export class IterationBoard {
  private points = 0;
  private episodes = 0;
  private candidates = 0;

  private constructor(
    private readonly writer: TensorBoardWriter,
    private readonly scoreTag: string,
  ) {}

  /** The board of seed `seed` of iteration n, or null when logging.tensorboard is off. */
  static async open(ctx: RunContext, n: number, seed = 0): Promise<IterationBoard | null> {
    if (!ctx.config.logging.tensorboard) return null;
    const now = () => ctx.store.now().getTime();
    const writer = await TensorBoardWriter.open(ctx.store.paths.tensorboardIteration(n, seed), { startSeconds: Math.floor(now() / 1000), now });
    warnDamaged(ctx.logger, writer, n);
    return new IterationBoard(writer, iterationTags.score(ctx.config.selection.metric));
  }

  /** Appends what the history and candidates gained since the last call. */
  sync(history: TrainingHistory, candidates: readonly Candidate[]): void {
    for (; this.points < history.points.length; this.points++) {
      const { step, ...diagnostics } = history.points[this.points];
      const values: Record<string, number> = {};
      for (const [name, value] of Object.entries(diagnostics)) if (value !== null) values[iterationTags.diagnostic(name)] = value;
      if (Object.keys(values).length) this.writer.scalars(step, values);
    }
    for (; this.episodes < history.episodes.length; this.episodes++) {
      const e = history.episodes[this.episodes];
      this.writer.scalar(iterationTags.episodeReward, e.step, e.reward);
    }
    for (; this.candidates < candidates.length; this.candidates++) {
      const c = candidates[this.candidates];
      if (c.score !== null) this.writer.scalar(this.scoreTag, c.step, c.score);
    }
  }

  /** A callback placed after the history recorder: syncs whenever the history or the candidates grew. */
  callback(history: TrainingHistory, candidates: readonly Candidate[]): TrainCallback {
    return {
      onStep: () => {
        if (history.points.length > this.points || history.episodes.length > this.episodes || candidates.length > this.candidates)
          this.sync(history, candidates);
      },
    };
  }

  stepsPerSecond(step: number, value: number): void {
    this.writer.scalar(iterationTags.stepsPerSecond, step, value);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

/** One run.log warning per event file the writer found damaged and cut back: the run goes on, the file is named. */
export function warnDamaged(logger: Logger, writer: TensorBoardWriter, iteration?: number): void {
  for (const d of writer.damaged) {
    logger.warn(
      {
        event: 'tensorboard-damaged',
        ...(iteration === undefined ? {} : { iteration }),
        file: d.file,
        offset: d.offset,
        problem: d.problem,
        droppedBytes: d.droppedBytes,
      },
      `${iteration === undefined ? '' : `iteration ${iteration}: `}TensorBoard file ${d.file} is damaged at byte ${d.offset} (${d.problem}): ` +
        `kept its ${d.goodRecords} records before it and cut the ${d.droppedBytes} bytes from there; the curves continue from the kept records`,
    );
  }
}
