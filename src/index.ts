/**
 * The library behind the `wfo` command line, for notebooks and scripts. Every function returns plain,
 * serializable objects; every JSON file the pipeline writes has its zod schema exported here.
 */
export { runWalkForward, type WalkForwardOptions, type WalkForwardResult } from './walkforward/run/index.js';
export { listCheckpoints, type CheckpointList, type CheckpointRow } from './inspect/listing.js';
export { analyzeCheckpointPerformance, type PerformanceAnalysis, type IterationPerformance } from './inspect/performance.js';
export { cleanupCheckpoints, type CleanupOptions, type CleanupResult, type CleanupRow } from './retention/cleanup.js';
export { keepLast, keepEvery, keepBest, anyOf, decide, type Policy } from './retention/policies.js';
export { loadCheckpointModel, type CheckpointModel } from './inspect/load-checkpoint-model.js';
export { createCheckpointSummary } from './inspect/checkpoint-summary.js';
export { evaluateCheckpoint, type EvaluateOptions, type CheckpointEvaluation } from './inspect/evaluate-checkpoint.js';
export { verifyExperiment, type VerifyReport } from './inspect/verify.js';
export { listExperiments, listStudies, type ExperimentRow, type StudyRow, type PointState } from './inspect/experiments.js';
export { planExperiment, type ExperimentPlan } from './plan/plan.js';
export { experimentPaths, type ExperimentPaths } from './store/layout.js';
export { loadConfig, type ConfigSources, type LoadedConfig } from './config/load-config.js';
export { configSchema, type PipelineConfig, type ConfigInput } from './config/schema.js';
export { buildWindows, type Window, type Segment, type WindowSpec } from './windows/build-windows.js';
export { loadPriceSeries } from './data/csv-loader.js';
export type { PriceSeries } from './data/price-series.js';
export {
  generateSynthetic,
  syntheticForecast,
  syntheticProblems,
  resolveSyntheticParams,
  syntheticCsv,
  businessDays,
  syntheticKinds,
  type SyntheticKind,
  type SyntheticParams,
  type Ar1Params,
  type RegimeParams,
  type OuParams,
  type ResolvedParams,
  type GenerateOptions,
  type SyntheticSeries,
  type ObservedMarket,
} from './data/synthetic/index.js';
export { oracleSharpe, oracleTarget, ORACLE_RULE, type OracleOptions, type OracleResult } from './markets/oracle.js';
export {
  writeSyntheticMarket,
  syntheticSidecarSchema,
  type SyntheticSidecar,
  type SyntheticMarketOptions,
  type SyntheticMarketFile,
} from './markets/synthetic-file.js';
export { computeMetrics, type Metrics, type MetricOptions } from './analysis/metrics.js';
export { loadModelZip, saveModelZip, voteOf, type EnsembleMetadata, type LoadedModel, type ModelMetadata } from './store/model-zip.js';
export { greedyPolicy, VotePolicy, type GreedyPolicy, type VoteSpec } from './agent/ensemble.js';
export { readZip } from './store/zip-store.js';
export { selectBackend, type BackendInfo } from './backend/select-backend.js';
export * from './records/schemas.js';
export * from './records/events.js';
export {
  experimentStatus,
  formatStatus,
  type ExperimentStatus,
  type RunState,
  type RerunPlan,
  type ActiveIteration,
  type StatusCheckpoint,
  type StatusOptions,
} from './inspect/status.js';
export { readExperimentLog, forEachExperimentLogLine, logFormatter, type LogFilter, type LogReading } from './inspect/logs.js';
export { readScalars, readEventFile, TensorBoardWriter, type ScalarPoint } from './logging/tensorboard/index.js';
export * from './errors/index.js';
export { CheckpointCorruptError } from './errors/index.js';

// Many machines: iterations as BullMQ jobs on Redis, `wfo worker`, and studies (`wfo sweep`).
export { QueueExecutor, type QueueExecutorOptions } from './cluster/queue-executor.js';
export { runClusterWorker, type ClusterWorkerOptions } from './cluster/worker-runner.js';
export { redactUrl, resolveRedisUrl, REDIS_URL_ENV, resolveRedisWait, REDIS_WAIT_ENV } from './cluster/redis.js';
export { resolveQueueSecret, QUEUE_SECRET_ENV } from './cluster/signing.js';
export { runSweep, planSweep, pointId, sweepFileSchema, type SweepOptions, type StudyPlan, type StudyPointPlan } from './cluster/sweep.js';
export { analyzeStudy, writeStudy } from './cluster/study.js';
export { jobPayloadSchema, jobResultSchema, iterationJobId } from './cluster/jobs.js';
export {
  iterationFailureSchema,
  studyManifestSchema,
  studySummarySchema,
  type IterationFailure,
  type StudyManifest,
  type StudySummary,
  type StudyPoint,
} from './records/study.js';
