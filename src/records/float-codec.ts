/** Per-bar series stored compactly in JSON records: little-endian float32, base64 (4 bytes a bar, ~5.3 characters). */
export function encodeFloats(values: ArrayLike<number>): string {
  const floats = Float32Array.from(values);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

export function decodeFloats(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  const floats = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(floats.buffer).set(bytes.subarray(0, floats.length * 4));
  return Float64Array.from(floats);
}
