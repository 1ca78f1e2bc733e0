/**
 * Data benchmark (issue 24): loads a panel of 500 instruments x 5,000 daily bars (OHLCV, long format) as CSV and as
 * Parquet, computes 10 SQL features over every instrument and runs the look-ahead gate on them, and reports seconds
 * and peak RSS beside the same loader on the bundled one-series file. Each measurement runs in a child process, so
 * its peak RSS is its own.
 *   npx tsx scripts/bench-data.ts [--symbols 500] [--bars 5000] [--dir /tmp/wfo-bench-data]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DataEngine, sqlString } from '../src/data/engine.js';
import { loadPriceSeries } from '../src/data/load-series.js';
import { Rng } from '../src/random/rng.js';
import { peakRssMiB } from '../src/util/peak-rss.js';

const FEATURES = [
  { name: 'ret_1', sql: 'ln(close / lag(close) OVER w)' },
  { name: 'mom_5', sql: 'close / lag(close, 5) OVER w - 1' },
  { name: 'mom_20', sql: 'close / lag(close, 20) OVER w - 1' },
  { name: 'mom_60', sql: 'close / lag(close, 60) OVER w - 1' },
  { name: 'range', sql: '(high - low) / close' },
  { name: 'gap', sql: 'open / lag(close) OVER w - 1' },
  { name: 'vol_20', sql: 'stddev(ret_1) OVER (w ROWS 19 PRECEDING)' },
  { name: 'vol_z', sql: '(volume - avg(volume) OVER (w ROWS 59 PRECEDING)) / stddev(volume) OVER (w ROWS 59 PRECEDING)' },
  { name: 'dist_mean_20', sql: 'close / avg(close) OVER (w ROWS 19 PRECEDING) - 1' },
  { name: 'mom_20_rank', sql: 'percent_rank() OVER (PARTITION BY date ORDER BY mom_20)' },
];

const { values } = parseArgs({
  options: {
    symbols: { type: 'string', default: '500' },
    bars: { type: 'string', default: '5000' },
    dir: { type: 'string', default: '/tmp/wfo-bench-data' },
    probe: { type: 'string' },
    features: { type: 'boolean', default: false },
  },
});

/** In a child: one load, printed as one JSON line with its seconds and the process's peak RSS. */
async function probe(path: string, withFeatures: boolean): Promise<void> {
  const start = performance.now();
  const s = await loadPriceSeries({
    path,
    priceColumn: 'close',
    dateColumn: 'date',
    fillMissing: 'none',
    symbol: withFeatures ? 'S000' : null,
    features: withFeatures ? FEATURES : [],
    gateCuts: withFeatures ? (rows) => [Math.floor(rows * 0.3), Math.floor(rows * 0.6), rows - 2] : undefined,
  });
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ rows: s.rows, features: Object.keys(s.features).length, seconds, peakRssMiB: peakRssMiB() })}\n`);
}

function writePanel(csv: string, symbols: number, bars: number): Promise<void> {
  const out = createWriteStream(csv);
  out.write('date,symbol,open,high,low,close,volume\n');
  const rng = Rng.fromSeed(24);
  const price = Array.from({ length: symbols }, () => 50 + 100 * rng.next());
  for (let i = 0; i < bars; i++) {
    const date = new Date(Date.UTC(2000, 0, 3) + i * 86_400_000).toISOString().slice(0, 10);
    const lines: string[] = [];
    for (let k = 0; k < symbols; k++) {
      const open = price[k];
      price[k] = open * Math.exp(0.0002 + 0.015 * rng.normal());
      const close = price[k];
      const high = Math.max(open, close) * (1 + 0.005 * rng.next());
      const low = Math.min(open, close) * (1 - 0.005 * rng.next());
      lines.push(
        `${date},S${String(k).padStart(3, '0')},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${1000 + Math.floor(9000 * rng.next())}\n`,
      );
    }
    out.write(lines.join(''));
  }
  return new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function measure(path: string, withFeatures: boolean): { seconds: number; peakRssMiB: number; rows: number } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-data.ts', '--probe', path, ...(withFeatures ? ['--features'] : [])], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`probe of ${path} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) as string);
}

async function main(): Promise<void> {
  if (values.probe) return probe(values.probe, values.features === true);
  const symbols = Number(values.symbols);
  const bars = Number(values.bars);
  const dir = values.dir as string;
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, `panel-${symbols}x${bars}.csv`);
  const parquet = join(dir, `panel-${symbols}x${bars}.parquet`);
  if (!existsSync(csv)) await writePanel(csv, symbols, bars);
  if (!existsSync(parquet)) {
    const engine = await DataEngine.open();
    await engine.run(`COPY (SELECT * FROM read_csv(${sqlString(csv)})) TO ${sqlString(parquet)} (FORMAT parquet)`);
    engine.close();
  }
  const rows: string[] = ['| input | size | rows traded | features | seconds | peak RSS (MiB) |', '|---|---|---|---|---|---|'];
  const mib = (p: string) => `${(statSync(p).size / 2 ** 20).toFixed(1)} MiB`;
  const one = measure('data/sp500-2000.csv', false);
  rows.push(
    `| one series, data/sp500-2000.csv | ${mib('data/sp500-2000.csv')} | ${one.rows} | 0 | ${one.seconds.toFixed(2)} | ${one.peakRssMiB.toFixed(0)} |`,
  );
  for (const [name, path] of [
    ['CSV', csv],
    ['Parquet', parquet],
  ]) {
    const r = measure(path, true);
    rows.push(
      `| ${symbols} x ${bars} panel, ${name} | ${mib(path)} | ${r.rows} | ${FEATURES.length} + gate at 3 cuts | ${r.seconds.toFixed(2)} | ${r.peakRssMiB.toFixed(0)} |`,
    );
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

await main();
