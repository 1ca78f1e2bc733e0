import { PipelineError } from '../errors/index.js';

/** A checkpoint file that fails verification: names the file and what is wrong with it. */
export class CheckpointCorruptError extends PipelineError {
  override readonly name = 'CheckpointCorruptError' as const;
  constructor(readonly file: string, readonly problem: string) {
    super(`checkpoint ${file} ${problem}`);
  }
}
