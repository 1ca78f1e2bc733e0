import { readFileSync } from 'node:fs';

/**
 * This process's peak resident set size in MiB. On Linux it is VmHWM of /proc/self/status, which starts again at
 * exec; getrusage's maxRSS does not (it is kept across exec), so a child spawned by a large parent reports at least
 * the parent's size at the fork. Elsewhere it falls back to maxRSS.
 */
export function peakRssMiB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux: no /proc.
  }
  return process.resourceUsage().maxRSS / 1024;
}
