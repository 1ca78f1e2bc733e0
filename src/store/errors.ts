import { PipelineError } from '../errors/index.js';

/** A checkpoint file that fails verification: names the file and what is wrong with it. */
export class CheckpointCorruptError extends PipelineError {
  override readonly name = 'CheckpointCorruptError' as const;
  constructor(readonly file: string, readonly problem: string) {
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
  constructor(readonly file: string, readonly code: string) {
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
  constructor(readonly signal: string, message: string) {
    super(message);
    this.exitCode = signal === 'SIGTERM' ? 143 : 130;
  }
}

/** Resuming would mix results of different configurations or data. */
export class ResumeRefusedError extends PipelineError {
  override readonly name = 'ResumeRefusedError' as const;
  override readonly exitCode = 2;
}

export function isWriteFailure(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && code in explanations;
}
