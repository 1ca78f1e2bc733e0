import { z } from 'zod';
import { observationSize, type EnvSpaces } from '../../env/spaces.js';
import { AgentStateError, type StateParts } from '../state.js';

const stateSchema = z.object({
  numTimesteps: z.number().int().nonnegative(),
  numUpdates: z.number().int().nonnegative(),
  design: z.number().int().positive(),
  actions: z.number().int().positive(),
});
export type LinearStateJson = z.infer<typeof stateSchema>;

/** A saved linear agent's counters, shape and running sums; an AgentStateError names what does not fit. */
export function linearStateFromParts(parts: StateParts): z.infer<typeof stateSchema> & { sums: Float64Array } {
  const parsed = stateSchema.safeParse(parts.json);
  if (!parsed.success) throw new AgentStateError(`linear agent state does not fit its schema: ${parsed.error.issues[0]?.message}`);
  const { design, actions } = parsed.data;
  const expected = actions * (design * design + design + 1) * Float64Array.BYTES_PER_ELEMENT;
  const bytes = parts.arrays.sums;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== expected)
    throw new AgentStateError(
      `array sums holds ${bytes?.byteLength ?? 0} bytes; a regression of ${design} inputs and ${actions} actions needs ${expected}`,
    );
  return { ...parsed.data, sums: new Float64Array(bytes.slice().buffer) };
}

/** The greedy network of a linear agent: the observation, one ReLU layer of twice its size, one value per action. */
export function linearPolicyLayers(spaces: EnvSpaces): number[] {
  const obsDim = observationSize(spaces);
  return [obsDim, 2 * obsDim, spaces.action.n];
}
