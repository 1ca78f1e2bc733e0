import type { PipelineConfig } from '../../config/schema.js';
import { volatilityOver } from '../../env/panel-weights.js';
import { ConfigError } from '../../errors/index.js';
import type { Window } from '../../windows/build-windows.js';
import type { PanelData } from './context.js';

/**
 * Refuses, before anything is trained, the panel settings some window cannot run: portfolio or market features without a panel,
 * a window with more instruments than the replay buffer holds transitions (one date stores one per instrument), a
 * cross-section over a window of one instrument, and
 * inverse-volatility weights for an instrument whose training rows in a window cannot measure its volatility.
 */
export function checkPanelSettings(config: PipelineConfig, panel: PanelData | null, windows: Window[]): void {
  if (!panel) {
    const panelOnly = (['portfolioFeatures', 'marketFeatures'] as const).filter((key) => config.env[key]);
    if (panelOnly.length)
      throw new ConfigError(
        panelOnly.map((key) => `env.${key}: true needs a panel run (data with several symbols and no data.symbol); this run trades one instrument`),
      );
    return;
  }
  const { bufferSize } = config.agent;
  for (const window of windows) {
    const universe = panel.universes.get(window.iteration) ?? [];
    if (config.agent.algorithm === 'dqn' && universe.length > bufferSize) {
      throw new ConfigError([
        `agent.bufferSize ${bufferSize} cannot hold one date of window ${window.iteration}, which trades ${universe.length} instruments (one transition each); raise agent.bufferSize to at least ${universe.length} or select fewer data.symbols`,
      ]);
    }
    const needed = { none: 1, demean: 2, zscore: 3 }[config.env.crossSection];
    if (universe.length < needed) {
      throw new ConfigError([
        `env.crossSection ${config.env.crossSection} needs at least ${needed} instruments at a date (${CROSS_SECTION_WHY[config.env.crossSection]}), and window ${window.iteration} trades only ${universe.join(', ')}; set env.crossSection=${needed === 3 ? 'demean or none' : 'none'} or select data.symbols that overlap`,
      ]);
    }
    if (config.portfolio.weighting !== 'inverseVol') continue;
    for (const symbol of universe) {
      const { logReturns } = panel.featureSets[panel.symbols.indexOf(symbol)];
      volatilityOver((t) => logReturns[t], [window.train.start, window.train.end], symbol);
    }
  }
}

const CROSS_SECTION_WHY = {
  none: '',
  demean: 'each instrument is compared with the others',
  zscore: 'the z-scores of two instruments are only their signs',
};
