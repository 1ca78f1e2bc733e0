/**
 * The library behind the `wfo` command line, for notebooks and scripts: what a run and its readers need, nothing
 * more. Every function returns plain, serializable objects. The zod schema of every file the pipeline writes is in
 * the subpath `wfo-rl/records`.
 */

// Run: a walk-forward experiment, a study of many, a synthetic market with a known best policy.
export { runWalkForward, type WalkForwardOptions, type WalkForwardResult } from './walkforward/run/index.js';
export { runSweep, type SweepOptions, type StudyPlan } from './cluster/sweep.js';
export { writeSyntheticMarket, type SyntheticMarketOptions, type SyntheticMarketFile } from './markets/synthetic-file.js';
export { loadConfig, type ConfigSources, type LoadedConfig } from './config/load-config.js';
export { configSchema, type PipelineConfig, type ConfigInput } from './config/schema.js';

// Read what a run left: list, analyze, load, evaluate, verify, status and logs.
export { listCheckpoints, type CheckpointList, type CheckpointRow } from './inspect/listing.js';
export { analyzeCheckpointPerformance, type PerformanceAnalysis, type IterationPerformance } from './inspect/performance.js';
export { loadCheckpointModel, type CheckpointModel } from './inspect/load-checkpoint-model.js';
export { evaluateCheckpoint, type EvaluateOptions, type CheckpointEvaluation } from './inspect/evaluate-checkpoint.js';
export { verifyExperiment, type VerifyReport } from './inspect/verify.js';
export { listExperiments, listStudies, type ExperimentRow, type StudyRow } from './inspect/experiments.js';
export { experimentStatus, formatStatus, type ExperimentStatus, type RunState } from './inspect/status.js';
export { readExperimentLog, type LogFilter } from './inspect/logs.js';

// Trade what a run chose: the production model's position for the next bar.
export { act, type ActOptions, type ActAnswer } from './inspect/act.js';

// Free disk without touching what matters.
export { cleanupCheckpoints, type CleanupOptions, type CleanupResult, type CleanupRow } from './retention/cleanup.js';

// The errors every function above throws, each with the exit code the command line gives it.
export {
  PipelineError,
  ConfigError,
  DataError,
  BackendUnavailableError,
  UsageError,
  TrainingDivergedError,
  ExperimentNotFoundError,
  CheckpointCorruptError,
  CheckpointWriteError,
  ExperimentLockedError,
  InterruptedError,
  ResumeRefusedError,
  JobRefusedError,
  IterationFailedError,
  RedisUnavailableError,
  NotOwnedError,
  AccessError,
} from './errors/index.js';
