import { z } from 'zod';
import type { DiagnosticSpec } from '../agent/agent.js';
import { historySchema, type RecordedHistory } from '../records/index.js';
import { TrainingDivergedError } from '../errors/index.js';
import type { TrainCallback } from './train-loop.js';

/** One sample of the curves: the step and each diagnostic of the agent (null: nothing to report in the interval). */
export type HistoryPoint = RecordedHistory['points'][number];

/**
 * The interval in progress as training checkpoints before the Agent interface (issue 23) kept it, for DQN only: the
 * loss summed over lossCount updates, the largest |Q| (from 0) and two warning flags. Read as today's form, so such
 * a checkpoint resumes exactly.
 */
function pendingOfEarlierVersions(value: unknown): unknown {
  if (!value || typeof value !== 'object' || !('lossCount' in value)) return value;
  const old = value as { lossSum: number; lossCount: number; maxAbsQ: number; firstLoss: number | null; warnedLoss: boolean; warnedQ: boolean };
  const updated = old.lossCount > 0;
  return {
    updates: old.lossCount,
    sums: updated ? { loss: old.lossSum } : {},
    maxima: updated ? { maxAbsQ: old.maxAbsQ } : {},
    firstLoss: old.firstLoss,
    warned: [...(old.warnedLoss ? ['loss'] : []), ...(old.warnedQ ? ['maxAbsQ'] : [])],
  };
}

const pendingSchema = z.object({
  /** Learning updates in the interval, and the sums and maxima of what they reported. */
  updates: z.number().int().nonnegative(),
  sums: z.record(z.string(), z.number()),
  maxima: z.record(z.string(), z.number()),
  firstLoss: z.number().nullable(),
  /** Diagnostics already warned about (each once per iteration). */
  warned: z.array(z.string()),
});

/**
 * Training curves of one iteration, sampled every `every` steps (per sample, each diagnostic the agent declares, in
 * its order: for DQN mean loss, epsilon, largest |Q|), as records keep them, plus the interval in progress and the
 * warnings given, which training checkpoints keep so that a resume continues exactly.
 */
export const trainingHistorySchema = historySchema.extend({ pending: z.preprocess(pendingOfEarlierVersions, pendingSchema) });
export type TrainingHistory = z.infer<typeof trainingHistorySchema>;

export function emptyHistory(timesteps: number): TrainingHistory {
  return {
    every: Math.max(10, Math.round(timesteps / 200)),
    points: [],
    episodes: [],
    pending: { updates: 0, sums: {}, maxima: {}, firstLoss: null, warned: [] },
  };
}

export interface HistoryWarnings {
  warn(message: string, fields: Record<string, unknown>): void;
}

/** The diagnostic whose growth is watched: a loss, whatever the algorithm minimises. */
const LOSS = 'loss';

/**
 * Records the history of the diagnostics an algorithm declares and watches the numbers: a non-finite value from a
 * learning update stops training with TrainingDivergedError (the last good checkpoint stays on disk); a loss far
 * above its early level, or a value past a declared limit, is warned about once per iteration.
 */
export function historyRecorder(
  history: TrainingHistory,
  iteration: number,
  diagnostics: readonly DiagnosticSpec[],
  warnings: HistoryWarnings,
): TrainCallback {
  const p = history.pending;
  const once = (name: string, message: string, fields: Record<string, unknown>) => {
    if (p.warned.includes(name)) return;
    p.warned.push(name);
    warnings.warn(`iteration ${iteration}: ${message}`, fields);
  };
  return {
    onStep: ({ step, update, agent }) => {
      if (update) {
        for (const [name, value] of Object.entries(update)) {
          if (!Number.isFinite(value)) {
            throw new TrainingDivergedError(
              `iteration ${iteration}: the ${name} became ${value} at step ${step}; training stopped. The last good training checkpoint is kept; lower agent.learningRate or agent.maxGradNorm and resume with --force`,
            );
          }
        }
        p.updates++;
        for (const d of diagnostics) {
          const value = update[d.name];
          if (value === undefined) continue;
          if (d.source === 'mean') p.sums[d.name] = (p.sums[d.name] ?? 0) + value;
          else if (d.source === 'max') p.maxima[d.name] = d.name in p.maxima ? Math.max(p.maxima[d.name], value) : value;
        }
      }
      if (step % history.every !== 0) return;
      const state = diagnostics.some((d) => d.source === 'state') ? agent.stateDiagnostics() : {};
      const point: HistoryPoint = { step };
      for (const d of diagnostics) {
        if (d.source === 'state') point[d.name] = state[d.name] ?? null;
        else if (d.source === 'mean') point[d.name] = p.updates && d.name in p.sums ? p.sums[d.name] / p.updates : null;
        else point[d.name] = p.updates && d.name in p.maxima ? p.maxima[d.name] : null;
      }
      history.points.push(point);
      const loss = point[LOSS];
      if (typeof loss === 'number') {
        p.firstLoss ??= loss;
        if (p.firstLoss > 0 && loss > 1000 * p.firstLoss)
          once(LOSS, `the loss grew to ${loss.toExponential(2)}, over 1000x its first value; training may be diverging`, { step, loss });
      }
      for (const d of diagnostics) {
        const value = point[d.name];
        if (d.limit && typeof value === 'number' && Math.abs(value) > d.limit.above) once(d.name, d.limit.warning(value), { step, [d.name]: value });
      }
      p.updates = 0;
      p.sums = {};
      p.maxima = {};
    },
    onEpisodeEnd: ({ step, reward }) => {
      history.episodes.push({ step, reward });
    },
  };
}
