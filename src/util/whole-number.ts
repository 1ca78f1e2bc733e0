import { UsageError } from '../errors/index.js';
import { quote } from '../errors/index.js';

export interface WholeNumberRange {
  min: number;
  max: number;
  /** What the number counts, for the message: 'milliseconds', 'seconds', 'jobs'. */
  unit?: string;
}

/**
 * A whole number given as a flag or environment variable, within its range; anything else (text, a fraction, a value
 * given twice, out of range) is a UsageError naming the flag, the value as given and what is allowed. yargs turns
 * `--flag abc` into NaN for a number option, so flags read this way are declared as strings.
 */
export function parseWholeNumber(name: string, raw: unknown, range: WholeNumberRange): number {
  const allowed = `use a whole number${range.unit ? ` of ${range.unit}` : ''} from ${range.min} to ${range.max}`;
  if (Array.isArray(raw)) throw new UsageError(`${name} is given ${raw.length} times; give it once (${allowed})`);
  const text = String(raw).trim();
  const n = typeof raw === 'number' ? raw : /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < range.min || n > range.max) throw new UsageError(`${name} ${quote(text, 40)}: ${allowed}`);
  return n;
}
