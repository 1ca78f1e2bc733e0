import type { PipelineConfig } from '../../config/schema.js';
import type { ModelMetadata } from '../../store/model-zip.js';
import type { WindowTrading } from '../../training/window-trading.js';

/** What a model file of this window records of its observations, so it can be run again on any data. */
export function modelObservation(config: PipelineConfig, trading: WindowTrading): NonNullable<ModelMetadata['observation']> {
  const { standardization, panel } = trading.observation;
  return {
    lookback: config.env.lookback,
    features: config.features,
    standardization,
    ...(panel ? { panel: { ...panel, portfolioFeatures: config.env.portfolioFeatures, marketFeatures: config.env.marketFeatures } } : {}),
  };
}
