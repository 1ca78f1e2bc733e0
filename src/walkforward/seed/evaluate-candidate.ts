import type { Agent } from '../../agent/agent.js';
import { score, type MetricName } from '../../analysis/metrics.js';
import { encodeFloats } from '../../records/index.js';
import type { Candidate } from '../../records/index.js';
import type { PhaseClock } from '../../training/phase-clock.js';
import type { WindowTrading } from '../../training/window-trading.js';
import type { RunContext } from '../context/index.js';

export interface CandidateEvaluator {
  (): Promise<Candidate>;
  /** The segment candidates are scored on: validation, or train when the window has none. */
  scoredOn: 'validation' | 'train';
}

/** Runs the agent's greedy policy on the selection segment and scores it by the selection metric. */
export function candidateEvaluator(ctx: RunContext, trading: WindowTrading, agent: Agent, clock: PhaseClock): CandidateEvaluator {
  const { window } = trading;
  const n = window.iteration;
  const segment = window.validation ?? window.train;
  const policy = {
    action: (obs: Float32Array) => agent.greedyAction(obs),
    actions: (obs: Float32Array, count: number, out: Int32Array) => agent.greedyActions(obs, count, out),
  };
  const metric = ctx.config.selection.metric as MetricName;
  const evaluate = () =>
    clock.timed('evaluation', () => {
      ctx.trace('evaluation', { iteration: n, step: agent.numTimesteps });
      const run = trading.run(segment, policy);
      const s = score(run.metrics, metric);
      ctx.trace('training', { iteration: n, step: agent.numTimesteps });
      return {
        step: agent.numTimesteps,
        updates: agent.numUpdates,
        score: Number.isFinite(s) ? s : null,
        metrics: run.metrics,
        returns: encodeFloats(run.returns),
      };
    });
  return Object.assign(evaluate, { scoredOn: window.validation ? ('validation' as const) : ('train' as const) });
}

/** The run.log line of one evaluation: its step, metric and score, and whether it became the iteration's best. */
export function logEvaluation(ctx: RunContext, n: number, candidate: Candidate, scoredOn: 'validation' | 'train', newBest: boolean): void {
  const metric = ctx.config.selection.metric;
  const shown = candidate.score === null ? 'n/a' : candidate.score.toFixed(3);
  // Records leave seed 0 untagged; with several seeds the log line names it, so every evaluation says its seed.
  const seed = candidate.seed ?? (ctx.config.training.seeds > 1 ? 0 : undefined);
  ctx.logger.debug(
    {
      event: 'evaluation',
      iteration: n,
      ...(seed === undefined ? {} : { seed }),
      step: candidate.step,
      metric,
      scoredOn,
      score: candidate.score,
      newBest,
    },
    `iteration ${n}${seed === undefined ? '' : ` seed ${seed}`}: ${metric} ${shown} on ${scoredOn} at step ${candidate.step}${newBest ? ' (new best)' : ''}`,
  );
}
