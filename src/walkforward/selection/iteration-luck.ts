import { matrixFromColumns, probabilityOfBacktestOverfitting } from '../../analysis/luck/index.js';
import { chanceSummary } from '../../analysis/experiment-luck.js';
import { deriveSeed, Rng } from '../../random/rng.js';
import { decodeFloats } from '../../records/index.js';
import type { Candidate, ChanceSummary, IterationLuck } from '../../records/index.js';
import type { WindowRun, WindowTrading } from '../../training/window-trading.js';
import type { Segment } from '../../windows/build-windows.js';

/** Random schedules per segment: enough for a stable 95th percentile (its standard error is about 1 point). */
export const CHANCE_DRAWS = 500;

export interface LuckInputs {
  seed: number;
  iteration: number;
  trading: WindowTrading;
  candidates: Candidate[];
  /** The kept model's runs on its segments; null when no model was kept. */
  kept: { validation: { segment: Segment; run: WindowRun } | null; test: { segment: Segment; run: WindowRun } } | null;
}

/**
 * How likely the iteration's result is luck: where the kept model falls among random policies with its turnover on
 * validation and test (seeded, CHANCE_DRAWS each), and the probability that choosing the best candidate on
 * validation overfits (CSCV over the candidates' per-bar validation returns).
 */
export function iterationLuck(inputs: LuckInputs): IterationLuck {
  const { kept } = inputs;
  const noModel = 'no model was kept';
  return {
    chance: {
      validation: kept?.validation
        ? chanceOn(inputs, 'validation', kept.validation.segment, kept.validation.run)
        : missing(kept ? 'the window has no validation segment' : noModel),
      test: kept ? chanceOn(inputs, 'test', kept.test.segment, kept.test.run) : missing(noModel),
    },
    pbo: candidatePbo(inputs.candidates),
  };
}

function chanceOn(inputs: LuckInputs, label: string, segment: Segment, run: WindowRun): ChanceSummary {
  const rng = Rng.fromSeed(deriveSeed(inputs.seed, 'chance', inputs.iteration, label));
  return chanceSummary(inputs.trading.chance(segment, run, rng, CHANCE_DRAWS));
}

function missing(reason: string): ChanceSummary {
  return { draws: 0, changes: 0, bars: 0, p5: null, p50: null, p95: null, keptSharpe: null, keptPercentile: null, reason };
}

/**
 * PBO of the iteration's selection; exported for pooling across iterations. With training.seeds >= 2 the candidates
 * are all seeds' together, whether the kept model is the best of them or a vote of the seeds' bests.
 */
export function candidatePbo(candidates: Candidate[]): IterationLuck['pbo'] {
  if (candidates.length < 2)
    return {
      pbo: null,
      combinations: 0,
      candidates: candidates.length,
      partitions: null,
      reason: 'fewer than 2 candidates: nothing was selected among',
    };
  const result = probabilityOfBacktestOverfitting(matrixFromColumns(candidates.map((c) => decodeFloats(c.returns))));
  return { pbo: result.pbo, combinations: result.combinations, candidates: result.candidates, partitions: result.partitions, reason: result.reason };
}
