import { prettyFactory } from 'pino-pretty';
import { describeSkipped, scanRunLog, type RunLogReading } from '../logging/run-log.js';
import type { LogRecord } from '../logging/logger.js';
import { experimentToRead } from './experiment-folder.js';

export interface LogFilter {
  /** Only lines about this iteration. */
  iteration?: number;
  /** Only lines of these event kinds (e.g. 'evaluation', 'checkpoint'). */
  event?: string | string[];
}

export interface LogReading extends RunLogReading {
  file: string;
  /** One line naming the skipped lines (too long, not JSON, fields of the wrong type), or null. */
  problem: string | null;
}

/**
 * Calls `visit` with each line of an experiment's run.log that passes the filter, oldest first, streaming the file
 * in bounded memory; lines it cannot use are skipped, and the reading counts and names them. An unknown
 * experiment is refused with the list of those there are.
 */
export async function forEachExperimentLogLine(
  resultsDir: string,
  experiment: string,
  filter: LogFilter,
  visit: (record: LogRecord) => void,
): Promise<LogReading> {
  const { runLog } = await experimentToRead(resultsDir, experiment);
  const kinds = filter.event === undefined ? null : new Set([filter.event].flat());
  const reading = await scanRunLog(runLog, (l) => {
    if ((filter.iteration === undefined || l.iteration === filter.iteration) && (kinds === null || kinds.has(String(l.event)))) visit(l);
  });
  return { ...reading, file: runLog, problem: describeSkipped(runLog, reading.skipped) };
}

/** The lines of an experiment's run.log, oldest first, that pass the filter; lines it cannot use are skipped. */
export async function readExperimentLog(resultsDir: string, experiment: string, filter: LogFilter = {}): Promise<LogRecord[]> {
  const lines: LogRecord[] = [];
  await forEachExperimentLogLine(resultsDir, experiment, filter, (l) => lines.push(l));
  return lines;
}

/** A formatter of log lines through pino-pretty: time, level, `[event]` and the message (fields with `details`). */
export function logFormatter(options: { colorize?: boolean; details?: boolean } = {}): (record: LogRecord) => string {
  const pretty = prettyFactory({
    colorize: options.colorize ?? false,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss',
    ignore: 'pid,hostname,runId,experiment,event',
    hideObject: !options.details,
    messageFormat: '[{event}] {msg}',
  });
  return (record) => pretty(record).trimEnd();
}
