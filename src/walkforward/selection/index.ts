export { CHANCE_DRAWS } from './iteration-luck.js';
export { type IterationOutcome, preservedWeights, runOneIteration, windowTradingOf } from './run-iteration.js';
export { qualify, type Qualification } from './preservation.js';
export { trainIteration } from './train-iteration.js';
