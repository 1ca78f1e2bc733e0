export { CHANCE_DRAWS } from './iteration-luck.js';
export { type IterationOutcome, runOneIteration } from './run-iteration.js';
