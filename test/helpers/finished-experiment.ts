import { loadConfig } from '../../src/config/load-config.js';
import { selectBackend } from '../../src/backend/select-backend.js';
import { runWalkForward } from '../../src/walkforward/run/index.js';
import { smallExperiment } from './experiment.js';

/**
 * A finished experiment from the real pipeline where every iteration qualified (4 preserved models); without plots
 * unless asked (drawing them is most of a small run's time, and most tests read the records).
 */
export async function finishedExperiment(dir: string, id = 'managed', options: { charts?: boolean } = {}) {
  await selectBackend('wasm');
  const exp = smallExperiment(dir, { selection: { minScore: -1000 }, windows: { train: 300, validation: 100, test: 100, maxIterations: 4 } });
  const { config } = loadConfig({ configFile: exp.configFile });
  const { paths, summary } = await runWalkForward(config, { experiment: id, charts: options.charts ?? false });
  return { ...exp, paths, summary, id };
}
