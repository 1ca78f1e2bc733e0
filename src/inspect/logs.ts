import { prettyFactory } from 'pino-pretty';
import { readRunLog } from '../logging/run-log.js';
import type { LogRecord } from '../logging/logger.js';
import { experimentPaths } from '../store/layout.js';
import { checkOwned } from '../store/ownership.js';

export interface LogFilter {
  /** Only lines about this iteration. */
  iteration?: number;
  /** Only lines of these event kinds (e.g. 'evaluation', 'checkpoint'). */
  event?: string | string[];
}

/** The lines of an experiment's run.log, oldest first, that pass the filter; a torn last line is skipped. */
export async function readExperimentLog(resultsDir: string, experiment: string, filter: LogFilter = {}): Promise<LogRecord[]> {
  const kinds = filter.event === undefined ? null : new Set([filter.event].flat());
  await checkOwned(experimentPaths(resultsDir, experiment).root, 'experiment', experiment);
  return (await readRunLog(experimentPaths(resultsDir, experiment).runLog)).filter(
    (l) => (filter.iteration === undefined || l.iteration === filter.iteration) && (kinds === null || kinds.has(String(l.event))),
  );
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
