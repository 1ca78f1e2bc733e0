import type { PipelineConfig } from '../config/schema.js';
import { Rng } from '../random/rng.js';
import { buildWindows } from '../windows/build-windows.js';

/** A fixed stream of its own, so the cuts do not move with any other use of the seed. */
const GATE_STREAM = 0x6a7e;

/**
 * Where the look-ahead gate cuts the data: one seeded row inside the training, validation and test segments of the
 * first, middle and last walk-forward windows (at most nine rows, sorted). Without windows (too little data), three
 * seeded rows over the whole series. The seed is the config's, or a fixed one when the id will derive it.
 */
export function gateCuts(config: PipelineConfig, rows: number, dates: string[] | null): number[] {
  const rng = Rng.fromSeed(((config.seed ?? 0) ^ GATE_STREAM) >>> 0);
  const inside = (start: number, end: number) => start + rng.int(Math.max(1, end - start));
  const windows = buildWindows(config.windows, rows, dates);
  const picked = new Set<number>();
  if (windows.length === 0) for (let k = 0; k < 3; k++) picked.add(inside(1, rows - 1));
  const chosen = windows.length <= 3 ? windows : [windows[0], windows[Math.floor(windows.length / 2)], windows[windows.length - 1]];
  for (const w of chosen) for (const s of [w.train, w.validation, w.test]) if (s && s.end > s.start) picked.add(inside(s.start, s.end));
  // A cut at the last row would remove nothing.
  return [...picked].filter((r) => r > 0 && r < rows - 1).sort((a, b) => a - b);
}
