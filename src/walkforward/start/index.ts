export { startExperiment, type StartOptions } from './start.js';
export { resumeHash } from './previous-run.js';
