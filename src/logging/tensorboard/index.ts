export { TensorBoardWriter, eventFileName, type TensorBoardWriterOptions } from './writer.js';
export {
  readScalars,
  readEventFile,
  readGoodPrefix,
  isEventFileName,
  type ScalarPoint,
  type EventFileContents,
  type GoodPrefix,
  type ReadOptions,
} from './reader.js';
export { findDamagedEventFiles, cutToGoodPrefix, type EventFileDamage } from './damage.js';
export { TensorBoardCorruptError } from './errors.js';
export { crc32c, maskCrc, maskedCrc32c } from './crc32c.js';
