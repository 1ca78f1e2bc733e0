import { parseWholeNumber, type WholeNumberRange } from '../util/whole-number.js';

/** The numeric settings of `wfo worker`, by flag, with what each allows. */
export const WORKER_NUMBERS = {
  concurrency: { flag: '--concurrency', range: { min: 1, max: 256, unit: 'iterations' } },
  stalledInterval: { flag: '--stalled-interval', range: { min: 500, max: 3_600_000, unit: 'milliseconds' } },
  lockDuration: { flag: '--lock-duration', range: { min: 1000, max: 3_600_000, unit: 'milliseconds' } },
  maxJobs: { flag: '--max-jobs', range: { min: 1, max: 1_000_000_000, unit: 'jobs' } },
} satisfies Record<string, { flag: string; range: WholeNumberRange }>;

export type WorkerNumbers = { [K in keyof typeof WORKER_NUMBERS]?: number };

/**
 * Every numeric worker setting checked before anything starts (yargs gives NaN for `--lock-duration abc`, and
 * BullMQ takes a negative interval without a word); a bad one is a UsageError naming the flag, the value and the range.
 */
export function checkWorkerNumbers(values: Record<string, unknown>): WorkerNumbers {
  const out: WorkerNumbers = {};
  for (const [key, { flag, range }] of Object.entries(WORKER_NUMBERS)) {
    const value = values[key];
    if (value !== undefined) out[key as keyof WorkerNumbers] = parseWholeNumber(flag, value, range);
  }
  return out;
}
