import type { Window, Segment } from '../windows/build-windows.js';

export function segmentText(s: Segment | null): string {
  if (!s) return '-';
  const dates = s.startDate ? ` ${s.startDate}..${s.endDate}` : '';
  return `[${s.start}, ${s.end})${dates}`;
}

export function windowsTable(windows: Window[]): string {
  const header = ['iter', 'train', 'validation', 'test'];
  const rows = windows.map((w) => [
    String(w.iteration),
    segmentText(w.train),
    segmentText(w.validation),
    segmentText(w.test) + (w.partial ? ' (partial)' : ''),
  ]);
  return table([header, ...rows]);
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function num(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined ? 'n/a' : x.toFixed(digits);
}

/** How a panel run is named where a run of one instrument names the one it trades. */
export const panelOf = (instruments: number): string => `panel of ${instruments} instruments`;
