import type { IterationPerformance } from '../records/index.js';

export type Phase = 'action' | 'environment' | 'training' | 'evaluation' | 'saving' | 'plotting';

/** Where one iteration's time goes in this process, and its throughput since this process took over. */
export class PhaseClock {
  private readonly started = performance.now();
  /** Milliseconds per phase; the train loop adds action, environment and training itself. */
  readonly times: Record<Phase, number> = { action: 0, environment: 0, training: 0, evaluation: 0, saving: 0, plotting: 0 };
  /** Milliseconds training waited for each training checkpoint (snapshot, plus the previous save if unfinished). */
  private readonly blocked: number[] = [];

  constructor(
    private readonly priorSeconds: number,
    private readonly startStep: number,
    private readonly startUpdates: number,
  ) {}

  async timed<T>(phase: Phase, fn: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.times[phase] += performance.now() - t0;
    }
  }

  /** Counts the milliseconds training waited for a new save, or (`more`) more of the last one's. */
  saveBlocked(ms: number, more = false): void {
    if (more && this.blocked.length > 0) this.blocked[this.blocked.length - 1] += ms;
    else this.blocked.push(ms);
  }

  /** Seconds since this process started the iteration. */
  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Training seconds of the iteration, those before a resume included. */
  get elapsed(): number {
    return this.priorSeconds + this.seconds;
  }

  stepsPerSecond(step: number, s = this.seconds): number {
    return s > 0 ? (step - this.startStep) / s : 0;
  }

  /** The figures over `s` seconds of this process (default: until now). */
  performance(step: number, updates: number, s = this.seconds): IterationPerformance {
    const memory = process.memoryUsage();
    const t = this.times;
    return {
      stepsPerSecond: this.stepsPerSecond(step, s),
      updatesPerSecond: s > 0 ? (updates - this.startUpdates) / s : 0,
      phases: {
        action: t.action / 1000,
        environment: t.environment / 1000,
        training: t.training / 1000,
        evaluation: t.evaluation / 1000,
        saving: t.saving / 1000,
        plotting: t.plotting / 1000,
      },
      savesBlockedMs: blockedSummary(this.blocked, s),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
    };
  }
}

function blockedSummary(ms: number[], seconds: number): NonNullable<IterationPerformance['savesBlockedMs']> {
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const total = sorted.reduce((a, b) => a + b, 0);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { median: round(median), max: round(sorted.at(-1) ?? 0), count: sorted.length, share: seconds > 0 ? total / 1000 / seconds : 0 };
}
