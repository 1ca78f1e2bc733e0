import type { ModelMetadata } from '../../src/store/model-zip.js';

/** The metadata of a training checkpoint of iteration 1 of experiment 'e', for store tests. */
export function trainingMetadata(step: number, observationDim: number): ModelMetadata {
  return {
    formatVersion: 1,
    kind: 'training',
    experiment: 'e',
    iteration: 1,
    step,
    observationDim,
    actions: [-1, 0, 1],
    metrics: {},
    configHash: 'h',
    dataSha256: 'd',
    backend: 'wasm',
    versions: {},
  };
}
