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
    ...(panel ? { panel: { ...panel, ...panelObservation(config) } } : {}),
  };
}

function panelObservation({ env }: PipelineConfig) {
  return { portfolioFeatures: env.portfolioFeatures, marketFeatures: env.marketFeatures, crossSection: env.crossSection };
}
