import { experimentRecords } from '../../store/experiment-records.js';
import { bestModelSchema, FORMAT_VERSION, type IterationRecord, type ModelRecord } from '../../records/index.js';
import { layout } from '../../store/layout.js';
import { sha256File } from '../../util/hash.js';
import type { RunContext } from '../context/index.js';

/** The preserved model with the highest selection score (the earliest on ties), or null when none qualified. */
export function bestRecord(records: IterationRecord[]): ModelRecord | null {
  let best: ModelRecord | null = null;
  for (const r of records) {
    if (r.kind !== 'model' || r.selection.score === null) continue;
    if (best === null || r.selection.score > (best.selection.score as number)) best = r;
  }
  return best;
}

/**
 * Makes best_model.zip and best_model.json describe the best preserved model so far. Idempotent: it copies only
 * when the files on disk do not already match, so a restart after a crash at any point converges.
 */
export async function updateBestModel(ctx: RunContext, records: IterationRecord[]): Promise<ModelRecord | null> {
  const best = bestRecord(records);
  if (!best) return null;
  const { store } = ctx;
  const { paths } = store;
  // A best_model.json missing or damaged is rewritten below.
  const current = await experimentRecords(paths.root)
    .bestModel()
    .catch(() => null);
  // A missing or unreadable best_model.zip is rewritten below.
  const zipOk = (await sha256File(paths.bestModel).catch(() => null)) === best.model.sha256;
  const count = records.filter((r) => r.kind === 'model').length;
  const score = best.selection.score as number;
  // The count is of the records given, so the run's last call states the final one: with several workers the
  // iterations finish in any order and an earlier call's "so far" differed from run to run.
  const reason = `highest ${best.selection.metric} on ${best.selection.scoredOn} (${score.toFixed(4)}, step ${best.selection.step}) of ${count} preserved model${count === 1 ? '' : 's'} so far`;
  if (current?.iteration === best.iteration && current.sha256 === best.model.sha256 && current.reason === reason && zipOk) return best;
  ctx.trace('best-model', { iteration: best.iteration });
  if (!zipOk) {
    await store.copy(layout.preservedModel(best.iteration), layout.bestModel, {
      iteration: best.iteration,
      step: best.selection.step,
      metrics: { [best.selection.metric]: best.selection.score },
    });
  }
  await store.commitJson(
    layout.bestModelJson,
    bestModelSchema,
    {
      formatVersion: FORMAT_VERSION,
      experiment: ctx.experiment,
      iteration: best.iteration,
      file: layout.bestModel,
      sha256: best.model.sha256,
      metric: best.selection.metric,
      score,
      reason,
      updatedAt: store.now().toISOString(),
    },
    { iteration: best.iteration },
  );
  return best;
}
