// Preloaded into a CLI child (NODE_OPTIONS=--import) by the hostile-input tests: prints the process's peak RSS at exit.
// VmHWM, not getrusage's maxRSS, which keeps the RSS of the parent (a large jest worker) across fork and exec.
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  const kib = hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS;
  process.stderr.write(`peak-rss-mib ${Math.round(kib / 1024)}\n`);
});
