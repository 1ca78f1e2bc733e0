import { z } from 'zod';
import { segmentSchema } from './common.js';
import { performanceSchema } from './iteration.js';
import { resumeEventSchema } from './run-config.js';

/**
 * One schema per kind of line in results/<id>/run.log (pino JSON lines). Every line carries pino's level, time and
 * message, the run id and experiment; lines about one iteration carry it, lines about one moment of training carry
 * the step. Strict objects: a field added to an event without its schema fails the run.log test.
 */
const count = z.number().int().min(0);
const num = z.number();
const score = z.number().nullable();

const base = {
  level: z.number().int(),
  time: z.number(),
  msg: z.string(),
  runId: z.string(),
  experiment: z.string(),
};
// Iteration 0 is the production window's (windows/build-windows.ts PRODUCTION_ITERATION).
const iterationField = { iteration: z.number().int().min(0) };
const atStep = { ...iterationField, step: count };

const event = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) => z.strictObject({ ...base, event: z.literal(kind), ...shape });

export const runStartEventSchema = event('run-start', {
  backend: z.string(),
  seed: count,
  iterations: count,
  skipped: z.record(z.string(), z.string()),
});
export const savePlanEventSchema = event('save-plan', { totalSteps: count, modelEvery: count, imageEvery: count, progressEvery: count });
/** The run continues an experiment that ran before (which iterations were finished, forced past which changes). */
export const runResumeEventSchema = event('run-resume', resumeEventSchema.shape);
/** An iteration continues from a training checkpoint; stepsLost: steps the previous attempt had logged beyond it. */
export const resumeEventLineSchema = event('resume', { ...atStep, seed: count.optional(), file: z.string(), stepsLost: count.nullable() });
/** One training seed of an iteration (training.seeds >= 2) is done: trained now, or read back from its committed result. */
export const seedDoneEventSchema = event('seed-done', {
  ...iterationField,
  seed: count,
  reused: z.boolean(),
  candidates: count,
  score,
  file: z.string(),
});
export const resumeOverheadEventSchema = event('resume-overhead', { ...iterationField, ms: count });
export const progressEventSchema = event('progress', {
  ...atStep,
  iterations: count,
  /** The seed's agent in training and training.seeds; step counts that agent's steps, globalStep every seed's. */
  seed: count,
  seeds: z.number().int().min(1),
  timesteps: count,
  globalStep: count,
  totalSteps: count,
  stepsPerSecond: num,
  diagnostics: z.record(z.string(), num),
  lastScore: score,
  bestScore: score,
});
export const evaluationEventSchema = event('evaluation', {
  ...atStep,
  seed: count.optional(),
  metric: z.string(),
  scoredOn: z.enum(['validation', 'train']),
  score,
  newBest: z.boolean(),
});
/** A file committed (renamed into place); msBlocked: training waited this long, msTotal: the whole save. */
export const checkpointEventSchema = event('checkpoint', {
  ...atStep,
  kind: z.enum(['training', 'current_best']),
  file: z.string(),
  bytes: count,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  msBlocked: num,
  msTotal: num,
});
export const cleanupRemovalEventSchema = event('cleanup-removal', {
  ...iterationField,
  step: count.nullable(),
  file: z.string(),
  rule: z.string(),
});
/** A file in a folder the run removes that the pipeline did not write: left in place, with its folder. */
export const foreignFileKeptEventSchema = event('foreign-file-kept', { iteration: iterationField.iteration.optional(), file: z.string() });
/** A diagnostic past its limit or a loss growing: the diagnostic's value comes under its own name. */
export const trainingWarningEventSchema = event('training-warning', { ...atStep }).catchall(num);
export const configWarningEventSchema = event('config-warning', {});
export const backendChangedEventSchema = event('backend-changed', {});
export const workersSequentialEventSchema = event('workers-sequential', {});
export const checkpointSkippedEventSchema = event('checkpoint-skipped', { file: z.string() });
export const chartFailedEventSchema = event('chart-failed', { file: z.string(), error: z.string() });
export const reportNoDataEventSchema = event('report-no-data', {});
/**
 * A TensorBoard event file was found damaged (a record failing its CRC or not decoding) and cut back to its records
 * before the bad one; the run goes on (event files are observations, not checkpoints). Once per damaged file.
 */
export const tensorboardDamagedEventSchema = event('tensorboard-damaged', {
  iteration: iterationField.iteration.optional(),
  file: z.string(),
  offset: count,
  problem: z.string(),
  droppedBytes: count,
});
export const workersEventSchema = event('workers', { iterations: count });
export const workerStartEventSchema = event('worker-start', { worker: count, threadId: count });
export const workerStopEventSchema = event('worker-stop', { worker: count, threadId: count, iterationSeconds: num, chartSeconds: num });
export const iterationDoneEventSchema = event('iteration-done', {
  ...iterationField,
  status: z.enum(['model', 'placeholder']),
  score,
  seconds: num,
  ...performanceSchema.shape,
});
/** The production model (issue 26): its training starts, a current card is kept, or it is preserved (or none qualified). */
export const productionStartEventSchema = event('production-start', { train: segmentSchema, validation: segmentSchema.nullable() });
export const productionCurrentEventSchema = event('production-current', { file: z.string() });
export const productionDoneEventSchema = event('production-done', {
  status: z.enum(['model', 'none']),
  file: z.string().nullable(),
  currentUntil: z.object({ bars: count, date: z.string().nullable() }),
});
export const productionSkippedEventSchema = event('production-skipped', { reason: z.string() });
/** The study behind the production model is indistinguishable from chance: said in plain words. */
export const productionLuckEventSchema = event('production-luck', {});
/** The finished run appended to its trial ledger; trials: the configurations tried on the same data and test bars. */
export const trialRecordedEventSchema = event('trial-recorded', { ledger: z.string(), file: z.string(), trials: count });
/** A ledger line skipped on reading: a torn last line or one that is not a trial. */
export const ledgerDamagedEventSchema = event('ledger-damaged', {});
export const runDoneEventSchema = event('run-done', { seconds: num, qualified: count });
export const runFailedEventSchema = event('run-failed', { error: z.string(), errorName: z.string(), exitCode: count });

export const runLogLineSchema = z.discriminatedUnion('event', [
  runStartEventSchema,
  savePlanEventSchema,
  runResumeEventSchema,
  resumeEventLineSchema,
  seedDoneEventSchema,
  resumeOverheadEventSchema,
  progressEventSchema,
  evaluationEventSchema,
  checkpointEventSchema,
  cleanupRemovalEventSchema,
  foreignFileKeptEventSchema,
  trainingWarningEventSchema,
  configWarningEventSchema,
  backendChangedEventSchema,
  workersSequentialEventSchema,
  checkpointSkippedEventSchema,
  chartFailedEventSchema,
  reportNoDataEventSchema,
  tensorboardDamagedEventSchema,
  workersEventSchema,
  workerStartEventSchema,
  workerStopEventSchema,
  iterationDoneEventSchema,
  productionStartEventSchema,
  productionCurrentEventSchema,
  productionDoneEventSchema,
  productionLuckEventSchema,
  productionSkippedEventSchema,
  trialRecordedEventSchema,
  ledgerDamagedEventSchema,
  runDoneEventSchema,
  runFailedEventSchema,
]);

export type RunLogLine = z.infer<typeof runLogLineSchema>;
export type RunLogEventKind = RunLogLine['event'];
/** The schema of each event kind, by name. */
export const runLogEventSchemas = Object.fromEntries(runLogLineSchema.options.map((s) => [s.shape.event.value, s])) as unknown as Record<
  RunLogEventKind,
  z.ZodType
>;
/** Kinds a stopped run ends with; no such line after the last run-start (and no live lock holder) means it was killed. */
export const RUN_END_EVENTS = ['run-done', 'run-failed'] as const;
/** Lines that are warnings, for `wfo status`. */
export const WARNING_EVENTS: readonly RunLogEventKind[] = [
  'training-warning',
  'config-warning',
  'backend-changed',
  'workers-sequential',
  'checkpoint-skipped',
  'chart-failed',
  'report-no-data',
  'tensorboard-damaged',
  'foreign-file-kept',
  'production-skipped',
  'ledger-damaged',
];
