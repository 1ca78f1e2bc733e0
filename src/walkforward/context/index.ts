export { type RunContext } from './context.js';
export { warnKept } from './kept-files.js';
export { type ProgressListener, type ProgressState } from './progress.js';
export { buildRunContext, loadRunData, type RunData, type RunSetup } from './run-context.js';
