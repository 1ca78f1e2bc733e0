import pino, { type Logger } from 'pino';
import { openForAppendSync } from '../util/regular-file.js';

/** One structured log line as the console sink receives it. */
export interface LogRecord {
  level: number;
  time: number;
  msg: string;
  event?: string;
  iteration?: number;
  step?: number;
  [key: string]: unknown;
}

export interface RunLoggerOptions {
  /** Level of the sink (the console); run.log gets `fileLevel`. */
  level: string;
  /** Level of run.log (default: debug, or `level` when that is lower): the detailed events go to the file only. */
  fileLevel?: string;
  runId: string;
  experiment: string;
  /** JSON lines appended here (results/<id>/run.log), written synchronously so a crash loses nothing. */
  file?: string;
  /** Receives every record, e.g. to print it on the console. */
  sink?: (record: LogRecord) => void;
}

export type { Logger };

/** Level of the detailed events (evaluations, checkpoints, progress, removals, workers): in run.log, not on the console. */
export const DETAIL_LEVEL = 'debug';

/** The lower of two pino level names. */
export function lowerLevel(a: string, b: string): string {
  const values = pino.levels.values;
  return (values[a] ?? Infinity) <= (values[b] ?? Infinity) ? a : b;
}

/** A pino logger writing JSON lines to the run's log file and to a sink; every line carries run id and experiment. */
export function createRunLogger(options: RunLoggerOptions): Logger {
  const fileLevel = options.fileLevel ?? lowerLevel(options.level, DETAIL_LEVEL);
  const streams: pino.StreamEntry[] = [];
  // Opened here, not by pino, so that a FIFO, link or device at the path is refused instead of blocked on or written through.
  if (options.file) streams.push({ level: fileLevel as pino.Level, stream: pino.destination({ dest: openForAppendSync(options.file), sync: true }) });
  if (options.sink) {
    const sink = options.sink;
    streams.push({ level: options.level as pino.Level, stream: { write: (line: string) => sink(JSON.parse(line) as LogRecord) } });
  }
  const level = options.file ? lowerLevel(options.level, fileLevel) : options.level;
  return pino({ level, base: { runId: options.runId, experiment: options.experiment } }, pino.multistream(streams));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Writes a record another thread's logger made through this one, at its level and with its fields; the time, run id
 * and experiment are this logger's.
 */
export function relayRecord(logger: Logger, record: LogRecord): void {
  const { level, msg, time: _time, runId: _run, experiment: _exp, ...fields } = record;
  const name = (pino.levels.labels[level] ?? 'info') as pino.Level;
  logger[name](fields, msg);
}
