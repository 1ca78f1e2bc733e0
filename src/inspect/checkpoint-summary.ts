import { layout } from '../store/layout.js';
import { join } from 'node:path';
import { listCheckpoints } from './listing.js';
import { openExperiment } from '../store/experiment.js';
import { writeJson } from '../store/json-file.js';
import { checkpointSummarySchema, FORMAT_VERSION, type CheckpointSummary } from '../records/index.js';
import { analyzeDigests } from '../analysis/checkpoint-analysis.js';

/** Builds checkpoint_summary.json from the index (every checkpoint and the analysis across iterations), writes it and returns it. */
export async function createCheckpointSummary(experimentDir: string): Promise<CheckpointSummary> {
  const exp = await openExperiment(experimentDir);
  const list = await listCheckpoints(experimentDir);
  const digests = new Map(exp.digests.map((d) => [d.iteration, d]));
  return writeJson(join(exp.root, layout.checkpointSummary), checkpointSummarySchema, {
    formatVersion: FORMAT_VERSION,
    experiment: exp.experiment,
    checkpoints: list.rows.map((r) => ({
      iteration: r.iteration,
      status: r.status,
      file: r.file,
      size: r.size,
      sha256: r.sha256,
      validation: digests.get(r.iteration)?.validation ?? null,
      test: digests.get(r.iteration)!.test,
      best: r.best,
    })),
    analysis: analyzeDigests(exp.digests),
    createdAt: new Date().toISOString(),
  });
}
