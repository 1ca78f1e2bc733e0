/**
 * Child-process probe for the zip-bomb tests: reads one zip with readZip (or loadModelZip with --model) and
 * prints, as one JSON line, the error message (or null), the seconds the read took and the process's peak RSS.
 * A child keeps the figure free of what jest itself holds.
 */
import { readZip } from '../../src/store/zip-store.js';
import { peakRssMiB } from '../../src/util/peak-rss.js';

const [path] = process.argv.slice(2);
const start = performance.now();
let message: string | null = null;
let name: string | null = null;
try {
  await readZip(path);
} catch (err) {
  message = (err as Error).message;
  name = (err as Error).name;
}
const seconds = (performance.now() - start) / 1000;
process.stdout.write(`${JSON.stringify({ name, message, seconds, maxRssMiB: peakRssMiB() })}\n`);
