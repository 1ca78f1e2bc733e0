import { PipelineError } from '../../errors/index.js';

/** An event file whose bytes fail the TFRecord checks or do not decode: names the file, the byte offset and why. */
export class TensorBoardCorruptError extends PipelineError {
  override readonly name = 'TensorBoardCorruptError' as const;
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${file} at byte ${offset}: ${problem}`);
  }
}
