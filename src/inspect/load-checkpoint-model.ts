import type * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { UsageError } from '../errors/index.js';
import { openExperiment } from '../store/experiment.js';
import { loadModelZip, type ModelMetadata } from '../store/model-zip.js';
import { layout } from '../store/layout.js';

export interface CheckpointModel {
  iteration: number;
  file: string;
  /** A tfjs LayersModel: model.predict(tf.tensor2d(obs, [1, obsDim])) gives Q-values per action. */
  model: tf.LayersModel;
  weights: Float32Array[];
  metadata: ModelMetadata;
}

/** Loads the preserved model of an iteration after verifying its manifest and hashes. */
export async function loadCheckpointModel(experimentDir: string, iteration: number): Promise<CheckpointModel> {
  const exp = await openExperiment(experimentDir);
  const digest = exp.digests.find((d) => d.iteration === iteration);
  if (!digest) {
    throw new UsageError(
      `iteration ${iteration} is not in ${experimentDir}; it has iterations ${exp.digests.map((d) => d.iteration).join(', ') || 'none yet'}`,
    );
  }
  if (!digest.model) throw new UsageError(`iteration ${iteration} has no model: ${digest.reason ?? 'none qualified'}`);
  if (!exp.index.get(digest.model.file)) {
    throw new UsageError(
      `the model of iteration ${iteration} was pruned by cleanup (see ${layout.journal}; an --archive run keeps it under ${layout.archiveFolder}/)`,
    );
  }
  const file = join(exp.root, digest.model.file);
  const loaded = await loadModelZip(file);
  return { iteration, file, ...loaded };
}
