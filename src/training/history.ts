import { TrainingDivergedError } from '../errors/index.js';
import type { TrainCallback } from './train-loop.js';

/** Training curves of one iteration, sampled every `every` steps; saved with training checkpoints and records. */
export interface TrainingHistory {
  every: number;
  /** Mean loss over the interval (null before learning starts), epsilon and the largest |Q| seen in it. */
  points: Array<{ step: number; loss: number | null; epsilon: number; maxAbsQ: number | null }>;
  /** Reward of each finished episode and the step it finished at. */
  episodes: Array<{ step: number; reward: number }>;
  /** The interval in progress and the warnings given; saved with checkpoints so a resume continues exactly. */
  pending: { lossSum: number; lossCount: number; maxAbsQ: number; firstLoss: number | null; warnedLoss: boolean; warnedQ: boolean };
}

export function emptyHistory(timesteps: number): TrainingHistory {
  return {
    every: Math.max(10, Math.round(timesteps / 200)),
    points: [],
    episodes: [],
    pending: { lossSum: 0, lossCount: 0, maxAbsQ: 0, firstLoss: null, warnedLoss: false, warnedQ: false },
  };
}

/** Per-bar rewards are a few percent at most, so discounted Q-values this large mean the estimates blew up. */
const Q_LIMIT = 100;

export interface HistoryWarnings {
  warn(message: string, fields: Record<string, unknown>): void;
}

/**
 * Records the history and watches the numbers: a non-finite loss stops training with TrainingDivergedError (the
 * last good checkpoint stays on disk); a loss far above its early level or exploding Q-values are warned about
 * once per iteration.
 */
export function historyRecorder(history: TrainingHistory, iteration: number, warnings: HistoryWarnings): TrainCallback {
  const p = history.pending;
  return {
    onStep: ({ step, update, agent }) => {
      if (update) {
        if (!Number.isFinite(update.loss) || !Number.isFinite(update.maxAbsQ)) {
          throw new TrainingDivergedError(
            `iteration ${iteration}: the loss became ${update.loss} at step ${step}; training stopped. The last good training checkpoint is kept; lower agent.learningRate or agent.maxGradNorm and resume with --force`,
          );
        }
        p.lossSum += update.loss;
        p.lossCount++;
        p.maxAbsQ = Math.max(p.maxAbsQ, update.maxAbsQ);
      }
      if (step % history.every !== 0) return;
      const loss = p.lossCount ? p.lossSum / p.lossCount : null;
      history.points.push({ step, loss, epsilon: agent.epsilon, maxAbsQ: p.lossCount ? p.maxAbsQ : null });
      if (loss !== null) {
        p.firstLoss ??= loss;
        if (!p.warnedLoss && p.firstLoss > 0 && loss > 1000 * p.firstLoss) {
          p.warnedLoss = true;
          warnings.warn(`iteration ${iteration}: the loss grew to ${loss.toExponential(2)}, over 1000x its first value; training may be diverging`, {
            step,
            loss,
          });
        }
      }
      if (!p.warnedQ && p.maxAbsQ > Q_LIMIT) {
        p.warnedQ = true;
        warnings.warn(
          `iteration ${iteration}: Q-values reached ${p.maxAbsQ.toExponential(2)}; rewards are per-bar returns, so |Q| should stay far below ${Q_LIMIT}`,
          { step, maxAbsQ: p.maxAbsQ },
        );
      }
      p.lossSum = 0;
      p.lossCount = 0;
      p.maxAbsQ = 0;
    },
    onEpisodeEnd: ({ step, reward }) => {
      history.episodes.push({ step, reward });
    },
  };
}
