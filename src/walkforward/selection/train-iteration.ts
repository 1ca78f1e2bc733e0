import { policyShape } from '../../agent/registry.js';
import { buildVoteModel, ranksFromScores, VotePolicy } from '../../agent/ensemble.js';
import { score, type MetricName } from '../../analysis/metrics.js';
import { encodeFloats } from '../../records/index.js';
import { FORMAT_VERSION, seedResultSchema, type Candidate, type SeedResult } from '../../records/index.js';
import { readJson } from '../../store/json-file.js';
import { layout } from '../../store/layout.js';
import { loadModelZip, saveModelZip, type EnsembleMetadata } from '../../store/model-zip.js';
import type { WindowTrading } from '../../training/window-trading.js';
import type { RunContext } from '../context/index.js';
import { PRODUCTION_ITERATION } from '../../windows/build-windows.js';
import { modelObservation, trainSeed, type ChartMoment, type TrainedSeed } from '../seed/index.js';

export { iterationSeed } from '../seed/index.js';

/**
 * One window's training over all its seeds: the fields of one seed's result, where candidates are every seed's in
 * seed order, best is the kept model's candidate (the best over all seeds' candidates, or the vote scored like a
 * candidate), untrained and resumedFrom are seed 0's, timesteps are per agent and updates and episodes are summed
 * over the seeds. Seconds and performance come from settle() alone.
 */
export interface TrainedIteration extends Omit<TrainedSeed, 'seed' | 'rngSeed' | 'performance' | 'seconds'> {
  /**
   * Waits for the last training checkpoint still committing and gives the final figures (see SeedTraining): seed 0's
   * performance and the seconds summed over the seeds.
   */
  settle(): Promise<Pick<TrainedSeed, 'performance' | 'seconds'>>;
  /** The seed of the kept model, or 'vote'; null when no evaluation ran. */
  kept: number | 'vote' | null;
  /** The file the kept model is preserved from (relative to the experiment); null when no evaluation ran. */
  keptModel: string | null;
  /** With selection.ensemble=vote: the vote's candidate and its members. */
  vote: { candidate: Candidate; members: Array<{ seed: number; step: number; score: number | null }> } | null;
  /** Each seed's agent (one entry for training.seeds=1). */
  seeds: TrainedSeed[];
}

/**
 * Trains the training.seeds agents of one window one after another, each a unit of resume: a finished seed commits
 * its result (iterations/iter_N/seed_K_result.json) and a rerun reads it back instead of training it again, while the
 * seed in progress continues from its newest training checkpoint. Then keeps the best candidate of all seeds
 * (selection.ensemble=none; ties: the lower seed) or the majority vote of the seeds' bests (vote).
 */
export async function trainIteration(
  ctx: RunContext,
  trading: WindowTrading,
  warmStart: Float32Array[] | null,
  onChart?: ChartMoment,
): Promise<TrainedIteration> {
  const n = trading.window.iteration;
  const { seeds } = ctx.config.training;
  if (seeds === 1) {
    const only = await trainSeed(ctx, trading, 0, warmStart, onChart);
    return { ...(await combine(ctx, trading, [only.trained])), settle: only.settle };
  }
  const done: TrainedSeed[] = [];
  for (let k = 0; k < seeds; k++) {
    const committed = await readSeedResult(ctx, n, k);
    // A seed's result commits only once its last training checkpoint has.
    const result = committed ?? (await (await trainSeed(ctx, trading, k, warmStart, onChart)).settle());
    if (!committed) await commitSeedResult(ctx, n, result);
    ctx.logger.info(
      {
        event: 'seed-done',
        iteration: n,
        seed: k,
        reused: committed !== null,
        candidates: result.candidates.length,
        score: result.best?.score ?? null,
        file: layout.seedResult(n, k),
      },
      `iteration ${n}: seed ${k + 1} of ${seeds} ${committed ? `was done before (${layout.seedResult(n, k)}); not trained again` : 'trained'}`,
    );
    done.push(result);
  }
  const settled = { performance: done[0].performance, seconds: done.reduce((a, s) => a + s.seconds, 0) };
  return { ...(await combine(ctx, trading, done)), settle: async () => settled };
}

async function readSeedResult(ctx: RunContext, n: number, seed: number): Promise<TrainedSeed | null> {
  const file = ctx.store.paths.at(layout.seedResult(n, seed));
  // No result yet, or one from another run: the seed is trained again.
  const record = await readJson(file, seedResultSchema).catch(() => null);
  if (!record || record.configHash !== ctx.configHash || record.iteration !== n || record.seed !== seed) return null;
  if (n === PRODUCTION_ITERATION && record.dataSha256 !== ctx.metadata.dataSha256) return null;
  const { formatVersion: _v, iteration: _n, configHash: _h, dataSha256: _d, history, ...rest } = record;
  return { ...rest, history };
}

async function commitSeedResult(ctx: RunContext, n: number, trained: TrainedSeed): Promise<void> {
  const value: SeedResult = {
    formatVersion: FORMAT_VERSION,
    iteration: n,
    configHash: ctx.configHash,
    dataSha256: ctx.metadata.dataSha256,
    ...trained,
    history: { every: trained.history.every, points: trained.history.points, episodes: trained.history.episodes },
  };
  await ctx.store.commitJson(layout.seedResult(n, trained.seed), seedResultSchema, value, { step: null });
}

async function combine(ctx: RunContext, trading: WindowTrading, seeds: TrainedSeed[]): Promise<Omit<TrainedIteration, 'settle'>> {
  const first = seeds[0];
  const sum = (f: (s: TrainedSeed) => number) => seeds.reduce((a, s) => a + f(s), 0);
  const base = {
    candidates: seeds.flatMap((s) => s.candidates),
    untrained: first.untrained,
    scoredOn: first.scoredOn,
    timesteps: first.timesteps,
    updates: sum((s) => s.updates),
    episodes: sum((s) => s.episodes),
    diagnostics: first.diagnostics,
    history: first.history,
    resumedFrom: first.resumedFrom,
    seeds,
  };
  const n = trading.window.iteration;
  if (ctx.config.selection.ensemble === 'vote') {
    const vote = await keepVote(ctx, trading, seeds);
    return { ...base, best: vote?.candidate ?? null, kept: vote ? 'vote' : null, keptModel: vote ? layout.voteModel(n) : null, vote };
  }
  let kept: (TrainedSeed & { best: Candidate }) | null = null;
  for (const s of seeds) {
    if (s.best && (kept === null || (s.best.score ?? -Infinity) > (kept.best.score ?? -Infinity))) kept = { ...s, best: s.best };
  }
  return {
    ...base,
    best: kept?.best ?? null,
    kept: kept?.seed ?? null,
    keptModel: kept ? layout.currentBest(n, kept.seed) : null,
    vote: null,
  };
}

/**
 * Saves the vote of the seeds' bests as iterations/iter_N/vote_model.zip (one LayersModel whose argmax is the vote)
 * and scores the exact vote on the selection segment; null when no seed has a best.
 */
async function keepVote(ctx: RunContext, trading: WindowTrading, seeds: TrainedSeed[]): Promise<TrainedIteration['vote']> {
  const { config } = ctx;
  const { window } = trading;
  const n = window.iteration;
  const voters = seeds.filter((s): s is TrainedSeed & { best: Candidate } => s.best !== null);
  if (!voters.length) return null;
  const memberWeights: Float32Array[][] = [];
  for (const s of voters) {
    const loaded = await loadModelZip(ctx.store.paths.at(layout.currentBest(n, s.seed)));
    loaded.model.dispose();
    memberWeights.push(loaded.weights);
  }
  const spec = {
    ...policyShape(config.agent, trading.spaces),
    ranks: ranksFromScores(voters.map((s) => s.best.score)),
  };
  const segment = window.validation ?? window.train;
  const policy = new VotePolicy(spec, memberWeights);
  let run;
  try {
    run = trading.run(segment, policy);
  } finally {
    policy.dispose();
  }
  const s = score(run.metrics, config.selection.metric as MetricName);
  const candidate: Candidate = {
    step: seeds[0].timesteps,
    updates: voters.reduce((a, v) => a + v.best.updates, 0),
    score: Number.isFinite(s) ? s : null,
    metrics: run.metrics,
    returns: encodeFloats(run.returns),
  };
  const members = voters.map((v) => ({ seed: v.seed, step: v.best.step, score: v.best.score }));
  const ensemble: EnsembleMetadata = { rule: 'vote', hidden: [...spec.hidden], members: members.map((m, k) => ({ ...m, rank: spec.ranks[k] })) };
  const path = layout.voteModel(n);
  const model = buildVoteModel(spec, memberWeights);
  try {
    const written = await saveModelZip(ctx.store.paths.at(path), model, {
      ...ctx.metadata,
      kind: 'model',
      iteration: n,
      step: candidate.step,
      metrics: { [voters[0].scoredOn]: candidate.metrics },
      observation: modelObservation(config, trading),
      ensemble,
    });
    await ctx.store.record(path, written, { step: candidate.step, metrics: { [config.selection.metric]: candidate.score } });
  } finally {
    model.dispose();
  }
  return { candidate, members };
}
