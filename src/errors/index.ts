/**
 * Typed errors. Library code throws these; only cli/main.ts maps them to exit codes.
 * `exitCode` follows the house convention: 2 for bad usage, config or input files, 1 for runtime failures.
 */
export abstract class PipelineError extends Error {
  abstract override readonly name: string;
  readonly exitCode: number = 1;
}

/** A configuration that does not validate; `problems` holds one message per key, naming value and what is allowed. */
export class ConfigError extends PipelineError {
  override readonly name = 'ConfigError' as const;
  override readonly exitCode = 2;
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A data file that cannot be used as given: names the file, the line and what is wrong. */
export class DataError extends PipelineError {
  override readonly name = 'DataError' as const;
  override readonly exitCode = 2;
  constructor(readonly file: string, message: string, readonly line?: number) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
  }
}

/** A TensorFlow.js backend was asked for but is not installed or does not work on this machine. */
export class BackendUnavailableError extends PipelineError {
  override readonly name = 'BackendUnavailableError' as const;
  override readonly exitCode = 2;
}

/** Command-line usage that cannot be acted on (unknown experiment, bad flag combination). */
export class UsageError extends PipelineError {
  override readonly name = 'UsageError' as const;
  override readonly exitCode = 2;
}

/** Training produced non-finite numbers; the run stops and the last good checkpoint is kept. */
export class TrainingDivergedError extends PipelineError {
  override readonly name = 'TrainingDivergedError' as const;
}
