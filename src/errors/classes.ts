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
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
  ) {
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

/** The folder given is not an experiment of this pipeline. */
export class ExperimentNotFoundError extends PipelineError {
  override readonly name = 'ExperimentNotFoundError' as const;
  override readonly exitCode = 2;
}

/** A checkpoint file that fails verification: names the file and what is wrong with it. */
export class CheckpointCorruptError extends PipelineError {
  override readonly name = 'CheckpointCorruptError' as const;
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`checkpoint ${file} ${problem}`);
  }
}

const explanations: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
};

/** A save that failed: the run stops, earlier checkpoints stay intact, and the same command resumes once fixed. */
export class CheckpointWriteError extends PipelineError {
  override readonly name = 'CheckpointWriteError' as const;
  constructor(
    readonly file: string,
    readonly code: string,
  ) {
    super(
      `cannot write ${file}: ${code} (${explanations[code] ?? 'write failed'}). Earlier checkpoints are intact; ` +
        'fix the cause and run the same command again to resume.',
    );
  }
}

/** Another process holds the experiment. */
export class ExperimentLockedError extends PipelineError {
  override readonly name = 'ExperimentLockedError' as const;
}

/** The run stopped on a signal after saving its state; exit code 130 (SIGINT) or 143 (SIGTERM). */
export class InterruptedError extends PipelineError {
  override readonly name = 'InterruptedError' as const;
  override readonly exitCode: number;
  constructor(
    readonly signal: string,
    message: string,
  ) {
    super(message);
    this.exitCode = signal === 'SIGTERM' ? 143 : 130;
  }
}

/** Resuming would mix results of different configurations or data. */
export class ResumeRefusedError extends PipelineError {
  override readonly name = 'ResumeRefusedError' as const;
  override readonly exitCode = 2;
}

/** A queue job the worker will not run: another product version or config hash, a bad payload, a path outside the results folder. */
export class JobRefusedError extends PipelineError {
  override readonly name = 'JobRefusedError' as const;
  override readonly exitCode = 2;
}

/** Iterations that failed on the queue after their last attempt; each left a failure record naming its error. */
export class IterationFailedError extends PipelineError {
  override readonly name = 'IterationFailedError' as const;
  constructor(
    readonly iterations: string[],
    message: string,
  ) {
    super(message);
  }
}

/** The Redis server of the queue stayed unreachable longer than the run waits for it (--redis-wait). */
export class RedisUnavailableError extends PipelineError {
  override readonly name = 'RedisUnavailableError' as const;
}

export function isWriteFailure(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && code in explanations;
}

/**
 * A path this program will not write, rename or delete because it did not make it: a folder that holds files and is
 * not an experiment (or study) of this program, or a device, FIFO, socket, link or folder where a file of ours goes.
 */
export class NotOwnedError extends PipelineError {
  override readonly name = 'NotOwnedError' as const;
  override readonly exitCode = 2;
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** The operating system refuses to let this process read or list a path (EACCES, EPERM): names the path and the code. */
export class AccessError extends PipelineError {
  override readonly name = 'AccessError' as const;
  constructor(
    readonly path: string,
    readonly code: string,
    action = 'read',
  ) {
    super(`cannot ${action} ${path}: ${code} (${explanations[code] ?? 'refused'}); check its permissions and the user this command runs as`);
  }
}

/** Whether a file-system error is a refusal (permissions, immutable, read-only) rather than absence. */
export function isAccessDenied(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM';
}
