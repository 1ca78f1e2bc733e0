/**
 * Child-process probe for the memory test: loads one CSV and prints, as one JSON line, its rows, the bytes its
 * columns and dates hold, the seconds the load took and the process's peak RSS (a child keeps jest out of it).
 */
import { loadPriceSeries } from '../../src/data/load-series.js';
import { peakRssMiB } from '../../src/util/peak-rss.js';

const [path] = process.argv.slice(2);
const start = performance.now();
const s = await loadPriceSeries({ path, priceColumn: 'close', dateColumn: 'date', fillMissing: 'none' });
const seconds = (performance.now() - start) / 1000;
const columnBytes = Object.values(s.columns).reduce((n: number, c: Float64Array) => n + c.byteLength, 0);
const dateChars = s.dates?.reduce((n: number, d: string) => n + d.length, 0) ?? 0;
process.stdout.write(`${JSON.stringify({ rows: s.rows, sha256: s.sha256, columnBytes, dateChars, seconds, maxRssMiB: peakRssMiB() })}\n`);
