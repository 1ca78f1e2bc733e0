import type * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { CheckpointCorruptError, UsageError } from '../errors/index.js';
import { stat } from 'node:fs/promises';
import { openExperiment } from '../store/experiment.js';
import { loadModelZip, type ModelMetadata } from '../store/model-zip.js';
import { classify, layout } from '../store/layout.js';

export interface CheckpointModel {
  iteration: number;
  file: string;
  /**
   * A tfjs LayersModel: model.predict(tf.tensor2d(obs, [1, obsDim])) gives Q-values per action; for a vote model
   * (metadata.ensemble) it gives weighted votes per action, whose argmax is the vote.
   */
  model: tf.LayersModel;
  weights: Float32Array[];
  /** A vote model's members' Q-network weights, in metadata.ensemble.members order; null for one network. */
  members: Float32Array[][] | null;
  metadata: ModelMetadata;
}

/** Loads the preserved model of an iteration after verifying its manifest and hashes. */
export async function loadCheckpointModel(experimentDir: string, iteration: number): Promise<CheckpointModel> {
  if (!Number.isInteger(iteration) || iteration < 1)
    throw new UsageError(`--iteration ${String(iteration).slice(0, 40)}: expected a whole number >= 1`);
  const exp = await openExperiment(experimentDir);
  const digest = exp.digests.find((d) => d.iteration === iteration);
  if (!digest) {
    throw new UsageError(
      `iteration ${iteration} is not in ${experimentDir}; it has iterations ${exp.digests.map((d) => d.iteration).join(', ') || 'none yet'}`,
    );
  }
  if (!digest.model) throw new UsageError(`iteration ${iteration} has no model: ${digest.reason ?? 'none qualified'}`);
  if (classify(digest.model.file)?.kind !== 'preserved') {
    throw new UsageError(
      `the record of iteration ${iteration} names ${JSON.stringify(digest.model.file.slice(0, 100))}, not a preserved model of this experiment`,
    );
  }
  if (!exp.index.get(digest.model.file)) {
    const onDisk = await stat(join(exp.root, digest.model.file)).then(
      () => true,
      () => false,
    );
    if (onDisk) {
      throw new CheckpointCorruptError(
        join(exp.root, digest.model.file),
        'fails verification or differs from the index; wfo verify --repair restores it from an intact copy or says what is lost',
      );
    }
    throw new UsageError(
      `the model of iteration ${iteration} was pruned by cleanup (see ${layout.journal}; an --archive run keeps it under ${layout.archiveFolder}/)`,
    );
  }
  const file = join(exp.root, digest.model.file);
  const loaded = await loadModelZip(file);
  return { iteration, file, ...loaded };
}
