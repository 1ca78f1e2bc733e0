import cliProgress from 'cli-progress';
import { prettyFactory } from 'pino-pretty';
import type { LogRecord } from '../logging/logger.js';
import type { ProgressState } from '../walkforward/context/index.js';

export type ProgressMode = 'bars' | 'lines' | 'none';

/**
 * What a long run shows on the console: log lines formatted by pino-pretty, and progress as bars with ETA on a
 * terminal, as a plain line at each progress moment elsewhere (CI, a pipe), or not at all with --quiet.
 */
export class ConsoleOutput {
  private readonly format: (record: LogRecord) => string;
  private bars: cliProgress.MultiBar | null = null;
  private overall: cliProgress.SingleBar | null = null;
  private current: cliProgress.SingleBar | null = null;
  private firstSeen: { globalStep: number; time: number } | null = null;

  constructor(
    private readonly mode: ProgressMode,
    private readonly quiet: boolean,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    const pretty = prettyFactory({ colorize: out.isTTY === true, translateTime: 'SYS:HH:MM:ss', hideObject: true, ignore: 'pid,hostname' });
    this.format = (record) => pretty(record).trimEnd();
  }

  log = (record: LogRecord): void => {
    if (this.quiet && record.level < 40) return;
    const text = this.format(record);
    if (this.bars) this.bars.log(`${text}\n`);
    else this.out.write(`${text}\n`);
  };

  progress = (p: ProgressState): void => {
    if (this.mode === 'none') return;
    const now = Date.now();
    this.firstSeen ??= { globalStep: p.globalStep, time: now };
    const rate = (p.globalStep - this.firstSeen.globalStep) / Math.max((now - this.firstSeen.time) / 1000, 1e-9);
    const eta = rate > 0 ? (p.totalSteps - p.globalStep) / rate : null;
    const score = p.lastScore === null ? 'n/a' : p.lastScore.toFixed(3);
    if (this.mode === 'lines') {
      if (p.phase === 'iteration-done') return;
      const pct = ((100 * p.globalStep) / p.totalSteps).toFixed(0);
      this.out.write(
        `progress: ${p.iteration === 0 ? 'production model' : `iteration ${p.iteration}/${p.iterations}`}, ${seedOf(p, ', ')}step ${p.step}/${p.timesteps} (${pct}% of the run), ` +
          `${p.stepsPerSecond.toFixed(0)} steps/s, ETA ${eta === null ? 'n/a' : duration(eta)}, last validation score ${score}\n`,
      );
      return;
    }
    if (!this.bars) {
      this.bars = new cliProgress.MultiBar(
        { format: '{label} |{bar}| {value}/{total} {extra}', hideCursor: true, clearOnComplete: false, stream: this.out, barsize: 30 },
        cliProgress.Presets.shades_classic,
      );
      this.overall = this.bars.create(p.iterations, 0, { label: 'iterations', extra: '' });
      this.current = this.bars.create(p.timesteps, 0, { label: 'steps     ', extra: '' });
    }
    // Iteration 0 is the production model, trained after every iteration of the study.
    const done = p.iteration === 0 || p.phase === 'iteration-done' ? p.iteration || p.iterations : p.iteration - 1;
    this.overall?.update(done, { extra: `ETA ${eta === null ? 'n/a' : duration(eta)}` });
    this.current?.update(p.step, {
      extra: `${p.iteration === 0 ? 'production' : `iteration ${p.iteration}`} | ${seedOf(p, ' | ')}${p.stepsPerSecond.toFixed(0)} steps/s | val ${score}`,
    });
  };

  stop(): void {
    this.bars?.stop();
    this.bars = null;
  }
}

/** "seed 2/3" and a separator when several seeds train per iteration; nothing for one seed. */
function seedOf(p: ProgressState, separator: string): string {
  return p.seeds > 1 ? `seed ${p.seed + 1}/${p.seeds}${separator}` : '';
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
