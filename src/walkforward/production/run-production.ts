import { mkdir, rmdir } from 'node:fs/promises';
import { score, type MetricName } from '../../analysis/metrics.js';
import { modelCardSchema, type IterationRecord, type ModelCard, type WalkforwardSummary } from '../../records/index.js';
import { deleteFolder, deleteIndexed } from '../../retention/delete.js';
import { readJson } from '../../store/json-file.js';
import { layout } from '../../store/layout.js';
import { sha256File, stableStringify } from '../../util/hash.js';
import { PRODUCTION_ITERATION, type Window } from '../../windows/build-windows.js';
import { warnKept, type RunContext } from '../context/index.js';
import { preservedWeights, qualify, trainIteration, windowTradingOf } from '../selection/index.js';
import { evidenceOf, modelCard, type ProductionOutcome } from './model-card.js';

/**
 * The production model: after the study, the same procedure once more on the newest window (ending at the last bar),
 * selected on validation as every iteration is and preserved as production/model.zip with its card. Its training
 * resumes like an iteration's (iterations/iter_0); a card already written for this config and data is kept as it is.
 */
export async function runProduction(ctx: RunContext, records: IterationRecord[], summary: WalkforwardSummary): Promise<ModelCard | null> {
  const window = ctx.production;
  if (!window) {
    if (ctx.productionSkipped)
      ctx.logger.warn(
        { event: 'production-skipped', reason: ctx.productionSkipped },
        `production model: none, the newest window cannot be traded: ${ctx.productionSkipped}`,
      );
    return null;
  }
  const current = await currentCard(ctx);
  if (current) {
    ctx.logger.info(
      { event: 'production-current', file: layout.production.card },
      `production model: ${layout.production.card} is current; not trained again`,
    );
    // A run stopped after the card committed left the training folder behind.
    await removeTrainingFolder(ctx);
    return withEvidence(ctx, current, summary);
  }
  const { config, store, logger } = ctx;
  logger.info(
    { event: 'production-start', train: window.train, validation: window.validation },
    `production model: training on ${describe(window)}, ending at the last bar`,
  );
  const trading = windowTradingOf(ctx, window);
  const previous = records.filter((r) => r.kind === 'model').at(-1);
  const warm = config.training.warmStart && previous ? await preservedWeights(ctx, previous.iteration) : null;
  const trained = await trainIteration(ctx, trading, warm);
  await trained.settle();
  const segment = trained.scoredOn === 'validation' && window.validation ? window.validation : window.train;
  const holdValue = score(trading.hold(segment, 1).metrics, config.selection.metric as MetricName);
  const buyAndHoldScore = Number.isFinite(holdValue) ? holdValue : null;
  const verdict = qualify(trained.best, buyAndHoldScore, config);
  let model: ModelCard['model'] = null;
  await mkdir(store.paths.at(layout.production.folder), { recursive: true });
  if (verdict.qualified && trained.keptModel) {
    const copied = await store.copy(trained.keptModel, layout.production.model, {
      iteration: window.iteration,
      step: trained.best?.step ?? null,
      metrics: { [config.selection.metric]: trained.best?.score ?? null },
    });
    model = { file: copied.path, sha256: copied.sha256, size: copied.size };
  }
  // A model of earlier data that nothing qualified to replace is not left beside a card that says there is none.
  if (!model) await deleteIndexed(store.index, [layout.production.model]);
  const outcome: ProductionOutcome = { window, trading, best: trained.best, scoredOn: trained.scoredOn, buyAndHoldScore, verdict, model };
  const card = await store.commitJson(layout.production.card, modelCardSchema, modelCard(ctx, outcome, summary), {
    step: trained.best?.step ?? null,
  });
  await removeTrainingFolder(ctx);
  logger.info(
    { event: 'production-done', status: card.status, file: model?.file ?? null, currentUntil: card.currentUntil },
    model ? `production model: ${model.file} (${verdict.reason})` : `production model: none qualified (${verdict.reason})`,
  );
  if (card.warning) logger.info({ event: 'production-luck' }, `production model: ${card.warning}`);
  return card;
}

/**
 * A kept card with the study's evidence as the summary now gives it: the verdict changes when the trial ledger counts
 * more configurations on these bars (the model itself does not).
 */
async function withEvidence(ctx: RunContext, card: ModelCard, summary: WalkforwardSummary): Promise<ModelCard> {
  const fresh = { ...card, ...evidenceOf(summary) };
  // How often the ledger saw this very configuration is no new evidence: the card stays as it is for that.
  const judged = (c: ModelCard) => {
    const trials = c.evidence.luck.trials;
    return stableStringify({ ...c, evidence: { ...c.evidence, luck: { ...c.evidence.luck, trials: trials && { ...trials, runs: 0 } } } });
  };
  if (judged(fresh) === judged(card)) return card;
  return ctx.store.commitJson(layout.production.card, modelCardSchema, fresh, { step: card.selection.step });
}

async function removeTrainingFolder(ctx: RunContext): Promise<void> {
  warnKept(ctx, PRODUCTION_ITERATION, await deleteFolder(ctx.store.index, layout.iterationFolder(PRODUCTION_ITERATION)));
  // Not empty (a user's file, a failed iteration's leftovers): the folder stays.
  await rmdir(ctx.store.paths.iterations).catch(() => undefined);
}

/** The card on disk when it was written for this configuration and this very data, and its model (if any) verifies in the index. */
async function currentCard(ctx: RunContext): Promise<ModelCard | null> {
  const card = await readJson(ctx.store.paths.at(layout.production.card), modelCardSchema).catch(() => null);
  if (!card || card.configHash !== ctx.configHash || card.data.sha256 !== ctx.series.sha256) return null;
  if (!card.model) return card;
  // A model file that cannot be read is no current model: it is trained again.
  const sha = await sha256File(ctx.store.paths.at(layout.production.model)).catch(() => null);
  return sha === card.model.sha256 ? card : null;
}

function describe(window: Window): string {
  const span = (s: Window['train']) => (s.startDate ? `${s.startDate}..${s.endDate}` : `rows ${s.start}..${s.end - 1}`);
  return window.validation ? `train ${span(window.train)}, validation ${span(window.validation)}` : `train ${span(window.train)}`;
}
