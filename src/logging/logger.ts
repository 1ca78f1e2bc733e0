import pino, { type Logger } from 'pino';

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
  level: string;
  runId: string;
  experiment: string;
  /** JSON lines appended here (results/<id>/run.log), written synchronously so a crash loses nothing. */
  file?: string;
  /** Receives every record, e.g. to print it on the console. */
  sink?: (record: LogRecord) => void;
}

export type { Logger };

/** A pino logger writing JSON lines to the run's log file and to a sink; every line carries run id and experiment. */
export function createRunLogger(options: RunLoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  if (options.file)
    streams.push({ level: options.level as pino.Level, stream: pino.destination({ dest: options.file, sync: true, mkdir: true, append: true }) });
  if (options.sink) {
    const sink = options.sink;
    streams.push({ level: options.level as pino.Level, stream: { write: (line: string) => sink(JSON.parse(line) as LogRecord) } });
  }
  return pino({ level: options.level, base: { runId: options.runId, experiment: options.experiment } }, pino.multistream(streams));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
