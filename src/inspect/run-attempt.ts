import { z } from 'zod';
import { scanRunLog, type RunLogReading } from '../logging/run-log.js';
import type { LogRecord } from '../logging/logger.js';
import { WARNING_EVENTS } from '../records/index.js';

/** How many warnings of an attempt a status keeps (the newest): a diverging run can warn at every check. */
export const KEPT_WARNINGS = 50;

const count = z.number().int().min(0);
// 0: the production model's, trained after the study's iterations.
const iteration = z.number().int().min(0);
/**
 * The fields `status` reads from each kind of line, checked before use. Lenient: other fields and kinds pass, a
 * field it does not read may hold anything, and only one it reads with the wrong type gets the line skipped.
 */
const readFields: Record<string, z.ZodType> = {
  'run-start': z.looseObject({ runId: z.string().optional(), iterations: count.optional() }),
  'save-plan': z.looseObject({ totalSteps: count.optional() }),
  progress: z.looseObject({
    iteration,
    step: count,
    seed: count.optional(),
    seeds: z.number().int().min(1).optional(),
    timesteps: count.optional(),
    stepsPerSecond: z.number().min(0).optional(),
  }),
  resume: z.looseObject({ iteration, step: count, seed: count.optional() }),
  evaluation: z.looseObject({
    iteration,
    step: count,
    seed: count.optional(),
    metric: z.string(),
    score: z.number().nullable(),
    newBest: z.boolean(),
  }),
  'iteration-done': z.looseObject({ iteration }),
  'run-failed': z.looseObject({ errorName: z.string().optional(), exitCode: count.optional() }),
};

/** One iteration's newest progress in an attempt. */
export interface Progress {
  iteration: number;
  seed: number;
  seeds: number;
  step: number;
  timesteps: number;
  stepsPerSecond: number | null;
}

export interface LineSummary {
  event: string;
  time: number;
  msg: string;
}

/** What the last attempt (the lines from the last run-start on) says, folded line by line. */
export interface Attempt {
  start: { runId: string | null; time: number; iterations: number | null };
  totalSteps: number | null;
  newest: { iteration: number; step: number } | null;
  /** Per iteration not marked done by an iteration-done line: its newest progress or resume. */
  progress: Map<number, Progress>;
  /** Per iteration: the highest step any line of the attempt names. */
  reached: Map<number, number>;
  evaluation: { iteration: number; seed: number | null; step: number; metric: string; score: number | null; newBest: boolean } | null;
  warnings: LineSummary[];
  warningCount: number;
  ended: (LineSummary & { errorName: string | null; exitCode: number | null }) | null;
}

const fresh = (start: Attempt['start']): Attempt => ({
  start,
  totalSteps: null,
  newest: null,
  progress: new Map(),
  reached: new Map(),
  evaluation: null,
  warnings: [],
  warningCount: 0,
  ended: null,
});

/** The last attempt of run.log (null when no run-start line reads) and how the reading went. */
export async function readLastAttempt(runLog: string): Promise<{ attempt: Attempt | null; reading: RunLogReading }> {
  let attempt: Attempt | null = null;
  const reading = await scanRunLog(runLog, (line) => {
    const schema = readFields[line.event ?? ''];
    const parsed = schema?.safeParse(line);
    if (parsed && !parsed.success) {
      const issue = parsed.error.issues[0];
      return `${line.event} line: ${issue.path.join('.')}: ${issue.message}`;
    }
    if (line.event === 'run-start') {
      attempt = fresh({ runId: (line.runId as string) ?? null, time: line.time, iterations: (line.iterations as number) ?? null });
    } else if (attempt) fold(attempt, line);
  });
  return { attempt, reading };
}

function fold(a: Attempt, l: LogRecord): void {
  const n = l.iteration;
  if (n !== undefined && typeof l.step === 'number') a.reached.set(n, Math.max(l.step, a.reached.get(n) ?? 0));
  switch (l.event) {
    case 'save-plan':
      a.totalSteps = (l.totalSteps as number | undefined) ?? a.totalSteps;
      break;
    case 'iteration-done':
      a.progress.delete(n as number);
      break;
    case 'production-done':
    case 'production-current':
      a.progress.delete(0);
      break;
    case 'progress':
    case 'resume': {
      const before = a.progress.get(n as number);
      a.progress.set(n as number, {
        iteration: n as number,
        seed: (l.seed as number | undefined) ?? 0,
        seeds: (l.seeds as number | undefined) ?? before?.seeds ?? 1,
        step: l.step as number,
        timesteps: (l.timesteps as number | undefined) ?? before?.timesteps ?? 0,
        stepsPerSecond: (l.stepsPerSecond as number | undefined) ?? before?.stepsPerSecond ?? null,
      });
      if (l.event === 'progress') a.newest = { iteration: n as number, step: l.step as number };
      break;
    }
    case 'evaluation':
      a.evaluation = {
        iteration: n as number,
        seed: (l.seed as number | undefined) ?? null,
        step: l.step as number,
        metric: l.metric as string,
        score: l.score as number | null,
        newBest: l.newBest as boolean,
      };
      break;
    case 'run-done':
    case 'run-failed':
      a.ended = {
        event: l.event,
        time: l.time,
        msg: l.msg,
        errorName: (l.errorName as string | undefined) ?? null,
        exitCode: (l.exitCode as number | undefined) ?? null,
      };
      break;
    default:
      if (WARNING_EVENTS.includes(l.event as never)) {
        a.warningCount++;
        a.warnings.push({ event: l.event as string, time: l.time, msg: l.msg });
        if (a.warnings.length > KEPT_WARNINGS) a.warnings.shift();
      }
  }
}
