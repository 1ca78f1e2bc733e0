import type { PipelineConfig } from '../config/schema.js';
import { featureNames } from '../data/feature-specs.js';
import { DataError } from '../errors/index.js';

/** The first row with a value (NaN before it). */
export function firstValue(values: Float64Array): number {
  let row = 0;
  while (row < values.length && Number.isNaN(values[row])) row++;
  return row;
}

/** A first training segment with fewer than two bars after the `warmup` rows the features need. */
export function warmupError(config: PipelineConfig, warmup: number): DataError {
  return new DataError(
    config.data.path,
    `the first training segment has no bars after the ${warmup}-row warm-up of the features (${featureNames(config.features).join(', ')}); ` +
      'lengthen windows.train or shorten the longest window of a feature',
  );
}
