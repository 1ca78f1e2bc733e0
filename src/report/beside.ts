import { esc, num, pct } from './html-format.js';
import { luckNow } from '../inspect/ledger-now.js';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stitchOutOfSample, type StitchedBar } from '../analysis/out-of-sample.js';
import { configSchema } from '../config/schema.js';
import { UsageError } from '../errors/index.js';
import type { IterationRecord, RunConfigRecord, WalkforwardSummary } from '../records/index.js';
import { experimentRecords } from '../store/experiment-records.js';
import { experimentPaths, iterationRecordNames, layout } from '../store/layout.js';
import { SCHEMA, xOf } from './chart-specs.js';
import type { ChartSpec } from './render.js';

/** One experiment of a side-by-side comparison: its algorithm, its summary and its stitched out-of-sample bars. */
export interface BesideRun {
  experiment: string;
  algorithm: string;
  summary: WalkforwardSummary;
  bars: StitchedBar[];
}

/** The experiment of `experimentDir` and each of `others` (ids in the same results folder), checked to share its data and windows. */
export async function readBesideRuns(experimentDir: string, others: readonly string[]): Promise<BesideRun[]> {
  const own = await readRun(experimentDir);
  const runs = [own.run];
  for (const id of others) {
    const dir = besidePath(experimentDir, id);
    const other = await readRun(dir).catch((err: Error) => {
      throw new UsageError(`--beside ${id}: ${dir} is not a finished experiment (${err.message.split('\n')[0]})`);
    });
    const problem = difference(own, other);
    if (problem) throw new UsageError(`--beside ${id}: ${problem}; side by side needs the same data and windows as ${own.run.experiment}`);
    runs.push(other.run);
  }
  return runs;
}

function besidePath(experimentDir: string, id: string): string {
  try {
    return experimentPaths(dirname(experimentDir), id).root;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^--experiment/, '--beside'));
  }
}

async function readRun(dir: string): Promise<{ record: RunConfigRecord; run: BesideRun }> {
  const read = experimentRecords(dir);
  const record = await read.config();
  const recorded = await read.summary();
  // The verdict as the trial ledger judges it now, as the report's own section shows it; as recorded where it cannot be read.
  const luck = await luckNow(dir, recorded).then(
    (now) => now.luck,
    () => recorded.luck,
  );
  const summary = { ...recorded, luck };
  const config = configSchema.parse(record.config);
  // No checkpoints folder: a run that stopped before its first record has no bars to show.
  const names = await readdir(join(dir, layout.checkpoints)).catch(() => [] as string[]);
  const records: IterationRecord[] = [];
  for (const { name } of iterationRecordNames(names)) records.push(await read.iteration(`${layout.checkpoints}/${name}`));
  records.sort((a, b) => a.iteration - b.iteration);
  const entryCost = (config.env.costBps + config.env.slippageBps) / 1e4;
  const { bars } = stitchOutOfSample(records, entryCost, { periodsPerYear: config.data.periodsPerYear, riskFreeRate: config.data.riskFreeRate });
  return { record, run: { experiment: basename(dir), algorithm: config.agent.algorithm, summary, bars } };
}

/** Why two experiments cannot be compared bar for bar, or null when they trade the same data over the same windows. */
function difference(own: { record: RunConfigRecord; run: BesideRun }, other: { record: RunConfigRecord; run: BesideRun }): string | null {
  const [a, b] = [own.record.data, other.record.data];
  if (a.sha256 !== b.sha256) return `it traded ${b.file} (sha256 ${b.sha256.slice(0, 12)}...), not ${a.file} (sha256 ${a.sha256.slice(0, 12)}...)`;
  if (JSON.stringify(a.symbol ?? a.panel ?? null) !== JSON.stringify(b.symbol ?? b.panel ?? null)) {
    return `it traded ${b.symbol ?? b.panel?.join(', ') ?? 'the one series'}, not ${a.symbol ?? a.panel?.join(', ') ?? 'the one series'}`;
  }
  const [wa, wb] = [own.run.summary.windows, other.run.summary.windows];
  const segment = (s: { start: number; end: number } | null) => (s ? `[${s.start}, ${s.end})` : 'none');
  for (let i = 0; i < Math.max(wa.length, wb.length); i++) {
    const [x, y] = [wa[i], wb[i]];
    if (!x || !y) return `it has ${wb.length} windows, not ${wa.length}`;
    for (const key of ['train', 'validation', 'test'] as const) {
      if (segment(x[key]) !== segment(y[key])) return `its window ${y.iteration} ${key} rows are ${segment(y[key])}, not ${segment(x[key])}`;
    }
  }
  return null;
}

/** The side-by-side section: each experiment's stitched out-of-sample numbers and verdict, the benchmark last. */
export function besideSection(runs: readonly BesideRun[], chart: string, benchmark: string): string {
  const row = (r: BesideRun, i: number) => {
    const s = r.summary.stitched.strategy;
    const luck = r.summary.luck;
    return `<tr data-experiment="${esc(r.experiment)}"><td class="l">${esc(r.experiment)}${i === 0 ? ' (this report)' : ''}</td><td class="l">${esc(r.algorithm)}</td><td>${num(s.sharpe)}</td><td>${pct(s.totalReturn)}</td><td>${pct(s.maxDrawdown)}</td><td>${num(luck.psr.vsZero.psr)}</td><td class="l">${esc(luck.verdict)}</td></tr>`;
  };
  const hold = runs[0].summary.stitched.buyAndHold;
  return `<h2 id="beside">Side by side</h2>
<p>Experiments on the same data and windows, each over its own stitched out-of-sample bars.</p>
${chart}
<table id="beside-table"><thead><tr><th class="l">experiment</th><th class="l">agent</th><th>OOS Sharpe</th><th>return</th><th>max drawdown</th><th>PSR vs 0</th><th class="l">verdict</th></tr></thead><tbody>
${runs.map(row).join('\n')}
<tr data-experiment=""><td class="l">${esc(benchmark)}</td><td class="l"></td><td>${num(hold.sharpe)}</td><td>${pct(hold.totalReturn)}</td><td>${pct(hold.maxDrawdown)}</td><td></td><td class="l"></td></tr>
</tbody></table>`;
}

/** The equity of every experiment's stitched out-of-sample bars on one chart, with the first one's benchmark. */
export function besideEquitySpec(runs: readonly BesideRun[], dates: readonly string[] | null, benchmark: string): ChartSpec {
  const values: Array<{ row: number; date?: string; series: string; value: number }> = [];
  const curve = (series: string, bars: StitchedBar[], returnOf: (b: StitchedBar) => number) => {
    let wealth = 1;
    for (const b of bars) values.push({ row: b.row, date: dates?.[b.row], series, value: (wealth *= 1 + returnOf(b)) });
  };
  for (const r of runs) curve(`${r.experiment} (${r.algorithm})`, r.bars, (b) => b.strategyReturn);
  curve(benchmark, runs[0].bars, (b) => b.buyAndHoldReturn);
  const x = xOf(dates);
  return {
    $schema: SCHEMA,
    title: 'Out-of-sample equity side by side',
    width: 760,
    height: 300,
    data: { values },
    mark: { type: 'line' },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: 'equity (start = 1)', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 0 } },
    },
  } as ChartSpec;
}
