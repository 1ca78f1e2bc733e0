export { resumeHash, startExperiment, type StartOptions } from './start.js';
