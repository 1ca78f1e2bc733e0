/** Linear interpolation from `start` to `end` over the first `fraction` of `total` steps, then flat at `end`. */
export function linearSchedule(start: number, end: number, fraction: number, total: number): (step: number) => number {
  const span = fraction * total;
  return (step) => (span <= 0 ? end : start + (end - start) * Math.min(1, step / span));
}
