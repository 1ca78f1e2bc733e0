/**
 * A component's saved state as the store sees it: small JSON and named typed arrays, written opaquely (like the
 * parameters Stable-Baselines3 hands its save_util). The component alone knows what the fields mean.
 */
export interface StateParts {
  json: Record<string, unknown>;
  arrays: Record<string, Float32Array | Uint8Array>;
}

/** A state part that does not fit what the agent expects; the store names the file around it. */
export class AgentStateError extends Error {
  override readonly name = 'AgentStateError';
}

/** The arrays end to end in one new array. */
export function concatFloat32(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}

/** `all` cut into consecutive arrays of the given sizes; an AgentStateError names the array when the sizes do not add up. */
export function splitBy(name: string, all: Float32Array, sizes: number[]): Float32Array[] {
  const expected = sizes.reduce((a, b) => a + b, 0);
  if (all.length !== expected) throw new AgentStateError(`array ${name} holds ${all.length} values; the network needs ${expected}`);
  const out: Float32Array[] = [];
  let offset = 0;
  for (const n of sizes) {
    out.push(all.slice(offset, offset + n));
    offset += n;
  }
  return out;
}
