import { crc32c } from '@node-rs/crc32';

export { crc32c };

/** Added after the rotation; TensorFlow's `kMaskDelta` (tensorflow/core/lib/hash/crc32c.h). */
const MASK_DELTA = 0xa282ead8;

/**
 * The masked form TFRecord stores: rotate right by 15 bits, then add 0xa282ead8, modulo 2^32
 * (tensorflow/core/lib/hash/crc32c.h `Mask`). Masking keeps a CRC of data that itself holds CRCs from being trivial.
 */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}

/** CRC32C (Castagnoli) of `bytes`, masked as TFRecord stores it. */
export function maskedCrc32c(bytes: Uint8Array): number {
  return maskCrc(crc32c(bytes));
}
