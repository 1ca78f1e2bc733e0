export { type IterationExecutor, LocalCharts } from './executor.js';
export { checkRunOptions, parseWorkers, resolveWorkers, type WorkerCount } from './run-options.js';
export { startExecutor } from './start-executor.js';
