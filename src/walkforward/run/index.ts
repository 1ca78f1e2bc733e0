export { runWalkForward, type WalkForwardOptions, type WalkForwardResult } from './pipeline.js';
