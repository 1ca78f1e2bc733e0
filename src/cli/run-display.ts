import { algorithmOf } from '../agent/registry.js';
import type { PipelineConfig } from '../config/schema.js';
import { describeFeatures } from '../data/feature-specs.js';
import type { ExperimentPlan } from '../plan/plan.js';
import { positionsLabel, tradingPositions } from '../env/spaces.js';
import { panelOf, segmentText } from './format.js';

/** The short display printed at start: data, windows, agent, timesteps, destination. */
export function configDisplay(config: PipelineConfig, plan: ExperimentPlan, destination?: string): string {
  const { series, windows } = plan;
  const first = windows[0];
  const last = windows[windows.length - 1];
  const span = series.dates ? ` (${series.dates[0]}..${series.dates[series.rows - 1]})` : '';
  const lines = [
    'Configuration:',
    `  - Data: ${series.file}${series.panel ? `, ${panelOf(series.panel.length)}` : ''}, ${series.rows} rows${span}, column ${series.priceColumn}, sha256 ${series.sha256.slice(0, 12)}`,
    `  - Windows: ${windows.length} ${config.windows.mode} (train ${config.windows.train}, validation ${config.windows.validation}, test ${config.windows.test}, step ${config.windows.step ?? config.windows.test}, gap ${config.windows.gap}); tests cover ${segmentText({ ...first.test, end: last.test.end, endDate: last.test.endDate })}`,
    `  - Agent: ${algorithmOf(config.agent).describe(config.agent)}`,
    `  - Training: ${config.training.timesteps} steps per iteration, evaluation every ${config.training.evalFreq}, selection by ${config.selection.metric}${config.training.warmStart ? ', warm start' : ''}`,
    `  - Environment: ${environmentFeatures(config)}, ${positionsLabel(tradingPositions(config.env))}, costs ${config.env.costBps + config.env.slippageBps} bps`,
  ];
  if (destination) lines.push(`  - Results: ${destination}`);
  return lines.join('\n');
}

/** The features as the summary names them: the settings of before as they always read, a list by its entries. */
function environmentFeatures(config: PipelineConfig): string {
  const { features, env } = config;
  if (Array.isArray(features)) return `features ${describeFeatures(features, env.lookback)}`;
  return `lookback ${env.lookback}${features.extra.length ? ` + ${features.extra.join(', ')}` : ''}`;
}
