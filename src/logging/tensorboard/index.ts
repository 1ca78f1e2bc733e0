export { TensorBoardWriter, eventFileName, type TensorBoardWriterOptions } from './writer.js';
export { readScalars, readEventFile, isEventFileName, type ScalarPoint, type EventFileContents, type ReadOptions } from './reader.js';
export { TensorBoardCorruptError } from './errors.js';
export { crc32c, maskCrc, maskedCrc32c } from './crc32c.js';
