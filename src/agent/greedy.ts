/**
 * Where the actions of `count` observations of `dim` values laid end to end in `obs` go: `out` when given (it must
 * hold `count`), else a new array. Throws a RangeError naming the counts when `obs` or `out` is too short.
 */
export function actionsOut(obs: Float32Array, count: number, dim: number, out?: Int32Array): Int32Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number >= 0, got ${count}`);
  if (obs.length < count * dim) throw new RangeError(`${count} observations of ${dim} values need ${count * dim} numbers, got ${obs.length}`);
  if (out && out.length < count) throw new RangeError(`${count} actions need an output of at least ${count}, got ${out.length}`);
  return out ?? new Int32Array(count);
}
