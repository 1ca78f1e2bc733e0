/**
 * A warning that comes again and again (a lost connection retried every second) said at a bounded rate: the first
 * one, then at most one per `everyMs`, saying how many were held back since the last one said.
 */
export function throttled(say: (line: string) => void, everyMs = 60_000, now: () => number = Date.now): (line: string) => void {
  let last = -Infinity;
  let held = 0;
  return (line) => {
    const t = now();
    if (t - last < everyMs) {
      held++;
      return;
    }
    say(held ? `${line} (${held} more like it in the last ${Math.round((t - last) / 1000)} s)` : line);
    last = t;
    held = 0;
  };
}
