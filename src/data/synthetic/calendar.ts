const DAY_MS = 86_400_000;

/** Parses yyyy-mm-dd as a UTC midnight, or null when it is not a real calendar date. */
export function parseIsoDate(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const time = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(time).toISOString().slice(0, 10) === text ? time : null;
}

/**
 * `count` ISO dates of consecutive Monday-to-Friday days, the first on or after `start` (no holiday calendar).
 * Computed in UTC, so the machine's time zone never changes the dates.
 */
export function businessDays(start: string, count: number): string[] {
  const first = parseIsoDate(start);
  if (first === null) throw new RangeError(`start date "${start}" is not a yyyy-mm-dd calendar date`);
  const out: string[] = [];
  for (let time = first; out.length < count; time += DAY_MS) {
    const weekday = new Date(time).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(new Date(time).toISOString().slice(0, 10));
  }
  return out;
}
