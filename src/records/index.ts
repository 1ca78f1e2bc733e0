/**
 * The schema of every file the pipeline writes, one module per kind of file (each with a formatVersion; numbers are
 * finite or null), and of every kind of run.log line. The package exports them as `wfo-rl/records`.
 */
export * from './common.js';
export * from './iteration.js';
export * from './best-model.js';
export * from './run-config.js';
export * from './summary.js';
export * from './checkpoint-summary.js';
export * from './checkpoint-index.js';
export * from './study.js';
export * from './events.js';
export * from './float-codec.js';
export * from './model-card.js';
export * from './ledger.js';
