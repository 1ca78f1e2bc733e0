import { policyShape } from '../../agent/registry.js';
import { greedyPolicy } from '../../agent/ensemble.js';
import { score, type MetricName } from '../../analysis/metrics.js';
import { loadModelZip, voteOf, type LoadedModel } from '../../store/model-zip.js';
import { FORMAT_VERSION, modelRecordSchema, placeholderRecordSchema, type IterationRecord } from '../../records/index.js';
import type { WindowRun, WindowTrading } from '../../training/window-trading.js';
import type { Segment } from '../../windows/build-windows.js';
import type { RunContext } from '../context/index.js';
import { iterationSeed, type TrainedIteration } from './train-iteration.js';
import { qualify } from './preservation.js';
import { digestOf } from '../../analysis/digest.js';
import { layout } from '../../store/layout.js';
import { iterationLuck } from './iteration-luck.js';
import { outOfSample } from './out-of-sample-record.js';

export interface FinishedIteration {
  record: IterationRecord;
  /** Weights of the preserved model (for warm starts), null for a placeholder. */
  weights: Float32Array[] | null;
  seconds: { evaluation: number; preservation: number };
}

/**
 * Decides whether the iteration's current best qualifies; if it does, copies it to checkpoints/model_iter_N.zip,
 * evaluates that preserved file on train, validation and test and writes metrics_iter_N.json; if not, writes
 * no_model_iter_N.json with the reason and holds selection.fallback in the test segment. The last training checkpoint
 * may still be committing meanwhile: the record is written only after it has (trained.settle()).
 */
export async function finishIteration(
  ctx: RunContext,
  trading: WindowTrading,
  trained: TrainedIteration,
  warmStartFrom: number | null,
): Promise<FinishedIteration> {
  const { config, store } = ctx;
  const { paths } = store;
  const { window } = trading;
  const n = window.iteration;
  const evalStarted = performance.now();
  const hold = {
    train: trading.hold(window.train, 1),
    validation: window.validation ? trading.hold(window.validation, 1) : null,
    test: trading.hold(window.test, 1),
  };
  const metric = config.selection.metric as MetricName;
  const holdScoreRun = trained.scoredOn === 'validation' ? hold.validation : hold.train;
  const holdScoreValue = holdScoreRun ? score(holdScoreRun.metrics, metric) : -Infinity;
  const holdScore = Number.isFinite(holdScoreValue) ? holdScoreValue : null;
  const verdict = qualify(trained.best, holdScore, config);
  const common = {
    formatVersion: FORMAT_VERSION,
    experiment: ctx.experiment,
    iteration: n,
    window,
    selection: {
      metric,
      on: config.selection.on,
      scoredOn: trained.scoredOn,
      minScore: config.selection.minScore,
      mustBeatBuyAndHold: config.selection.mustBeatBuyAndHold,
      buyAndHoldScore: holdScore,
      score: trained.best?.score ?? null,
      step: trained.best?.step ?? null,
      qualified: verdict.qualified,
      candidates: trained.candidates,
      untrained: trained.untrained,
      ...seedSelection(trained),
    },
    buyAndHold: { train: hold.train.metrics, validation: hold.validation?.metrics ?? null, test: hold.test.metrics },
  };
  const createdAt = store.now().toISOString();
  // The record's training section, once the last training checkpoint has committed (settle).
  const trainingOf = (settled: Awaited<ReturnType<TrainedIteration['settle']>>) => ({
    seed: iterationSeed(ctx, n),
    timesteps: trained.timesteps,
    updates: trained.updates,
    episodes: trained.episodes,
    diagnostics: trained.diagnostics,
    warmStartFrom,
    seconds: settled.seconds,
    history: { every: trained.history.every, points: trained.history.points, episodes: trained.history.episodes },
    performance: settled.performance,
    ...(trained.seeds.length > 1 ? { seeds: trained.seeds.map(seedSummary) } : {}),
  });
  const luckBase = { seed: ctx.seed, iteration: n, trading, candidates: trained.candidates };
  const preserveStarted = performance.now();
  ctx.trace('preservation', { iteration: n });
  if (!verdict.qualified) {
    const fallback = config.selection.fallback;
    const run = trading.hold(window.test, fallback === 'flat' ? 0 : 1);
    const luck = iterationLuck({ ...luckBase, kept: null });
    const training = trainingOf(await trained.settle());
    const record = await store.commitJson(
      layout.placeholder(n),
      placeholderRecordSchema,
      {
        ...common,
        training,
        createdAt,
        kind: 'placeholder',
        reason: verdict.reason,
        criteria: { metric, minScore: config.selection.minScore, mustBeatBuyAndHold: config.selection.mustBeatBuyAndHold },
        bestCandidate: trained.best,
        fallback,
        metrics: { test: run.metrics },
        outOfSample: outOfSample(run, trading, ctx.metricOptions),
        luck,
      },
      { step: null, describe: digestOf },
    );
    return { record, weights: null, seconds: timings(evalStarted, preserveStarted) };
  }

  const copied = await store.copy(trained.keptModel ?? layout.currentBest(n), layout.preservedModel(n), {
    step: trained.best?.step ?? null,
    metrics: { [metric]: trained.best?.score ?? null },
  });
  const modelFile = { file: copied.path, sha256: copied.sha256, size: copied.size };
  const preserved = await loadModelZip(paths.preservedModel(n));
  preserved.model.dispose();
  const runs = evaluateWeights(preserved, ctx, trading);
  const luck = iterationLuck({
    ...luckBase,
    kept: {
      validation: window.validation && runs.validation ? { segment: window.validation, run: runs.validation } : null,
      test: { segment: window.test, run: runs.test },
    },
  });
  const training = trainingOf(await trained.settle());
  const record = await store.commitJson(
    layout.metrics(n),
    modelRecordSchema,
    {
      ...common,
      training,
      createdAt,
      kind: 'model',
      model: modelFile,
      metrics: { train: runs.train.metrics, validation: runs.validation?.metrics ?? null, test: runs.test.metrics },
      outOfSample: outOfSample(runs.test, trading, ctx.metricOptions),
      luck,
    },
    { step: trained.best?.step ?? null, describe: digestOf },
  );
  return { record, weights: preserved.weights, seconds: timings(evalStarted, preserveStarted) };
}

function timings(evalStarted: number, preserveStarted: number) {
  return { evaluation: (preserveStarted - evalStarted) / 1000, preservation: (performance.now() - preserveStarted) / 1000 };
}

/** Greedy runs of a loaded model on the window's segments: its network, or the exact vote of its members. */
export function evaluateWeights(
  loaded: Pick<LoadedModel, 'weights' | 'members' | 'metadata'>,
  ctx: Pick<RunContext, 'config'>,
  trading: WindowTrading,
): { train: WindowRun; validation: WindowRun | null; test: WindowRun } {
  const { window } = trading;
  const shape = policyShape(ctx.config.agent, trading.spaces);
  const policy = greedyPolicy(shape, loaded.weights, voteOf(loaded));
  try {
    const run = (s: Segment) => trading.run(s, policy);
    return { train: run(window.train), validation: window.validation ? run(window.validation) : null, test: run(window.test) };
  } finally {
    policy.dispose();
  }
}

/** The selection fields of several seeds: where the kept model comes from, the vote, each seed's untrained score. */
function seedSelection(trained: TrainedIteration) {
  if (trained.seeds.length === 1) return {};
  return {
    kept: trained.kept ?? undefined,
    vote: trained.vote ?? undefined,
    untrainedBySeed: trained.seeds.map((s) => s.untrained),
  };
}

function seedSummary(s: TrainedIteration['seeds'][number]) {
  const { seed, rngSeed, timesteps, updates, episodes, diagnostics, seconds } = s;
  return { seed, rngSeed, timesteps, updates, episodes, diagnostics, seconds };
}
