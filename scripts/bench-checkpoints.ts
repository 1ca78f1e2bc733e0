/**
 * Scale benchmark for checkpoint management: builds an experiment with N preserved checkpoints (real zips, real
 * records, a real index and summary; tiny models so it fits any disk) and times listCheckpoints,
 * analyzeCheckpointPerformance and a cleanup plan (dry run), medians of 5 runs each.
 *   npx tsx scripts/bench-checkpoints.ts [--n 10000] [--dir /tmp/wfo-bench-10k]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeCheckpointPerformance } from '../src/inspect/performance.js';
import { computeMetrics } from '../src/analysis/metrics.js';
import { listCheckpoints } from '../src/inspect/listing.js';
import { CheckpointIndex } from '../src/store/index-store.js';
import { buildZip } from '../src/store/zip-store.js';
import { cleanupCheckpoints } from '../src/retention/cleanup.js';
import { digestOf } from '../src/analysis/digest.js';
import { FORMAT_VERSION, modelRecordSchema, walkforwardSummarySchema, type IndexEntry, type ModelRecord } from '../src/records/index.js';
import { Rng } from '../src/random/rng.js';
import { sha256 } from '../src/util/hash.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '10000' }, dir: { type: 'string', default: '/tmp/wfo-bench-checkpoints' } },
});
const n = Number(values.n);
const root = join(values.dir as string, 'bench');
rmSync(values.dir as string, { recursive: true, force: true });
mkdirSync(join(root, 'checkpoints'), { recursive: true });

const rng = Rng.fromSeed(1);
const opts = { periodsPerYear: 252, riskFreeRate: 0 };
const metricsOf = () => {
  const r = Array.from({ length: 50 }, () => 0.01 * rng.normal());
  return computeMetrics(
    r,
    r.map(() => 1),
    opts,
  );
};
const segment = (start: number, end: number) => ({ start, end });

console.error(`building ${n} checkpoints under ${root} ...`);
const built = performance.now();
const entries: IndexEntry[] = [];
const summaryRows: unknown[] = [];
const time = new Date().toISOString();
for (let i = 1; i <= n; i++) {
  const zip = await buildZip({
    'model.json': Buffer.from('{}'),
    'weights.bin': new Uint8Array(64),
    'metadata.json': Buffer.from(JSON.stringify({ iteration: i, step: 1000 })),
  });
  writeFileSync(join(root, 'checkpoints', `model_iter_${i}.zip`), zip);
  const model = { file: `checkpoints/model_iter_${i}.zip`, sha256: sha256(zip), size: zip.byteLength };
  const validation = metricsOf();
  const test = metricsOf();
  const record: ModelRecord = modelRecordSchema.parse({
    formatVersion: FORMAT_VERSION,
    kind: 'model',
    experiment: 'bench',
    iteration: i,
    window: { iteration: i, train: segment(i, i + 100), validation: segment(i + 100, i + 150), test: segment(i + 150, i + 200), partial: false },
    model,
    selection: {
      metric: 'sharpe',
      on: 'best',
      scoredOn: 'validation',
      minScore: 0,
      mustBeatBuyAndHold: false,
      buyAndHoldScore: null,
      score: validation.sharpe,
      step: 1000,
      qualified: true,
      candidates: [],
    },
    metrics: { train: metricsOf(), validation, test },
    buyAndHold: { train: metricsOf(), validation: metricsOf(), test: metricsOf() },
    outOfSample: { rows: [], positions: [], returns: [], marketReturns: [] },
    training: { seed: i, timesteps: 1000, updates: 250, episodes: 10, finalEpsilon: 0.05, warmStartFrom: null, seconds: 1 },
    createdAt: time,
  });
  const text = JSON.stringify(record);
  writeFileSync(join(root, 'checkpoints', `metrics_iter_${i}.json`), text);
  summaryRows.push({
    iteration: i,
    status: 'model',
    window: record.window,
    selectionScore: record.selection.score,
    selectionStep: 1000,
    validation,
    test,
    buyAndHoldTest: record.buyAndHold.test,
    files: [model.file, `checkpoints/metrics_iter_${i}.json`],
    seconds: { training: 1, evaluation: 0, preservation: 0 },
  });
  entries.push({ path: model.file, kind: 'preserved', size: model.size, sha256: model.sha256, iteration: i, step: 1000, metrics: null, time });
  entries.push({
    path: `checkpoints/metrics_iter_${i}.json`,
    kind: 'metrics',
    size: text.length,
    sha256: sha256(text),
    iteration: i,
    step: 1000,
    metrics: digestOf(record),
    time,
  });
}
writeFileSync(join(root, 'config.json'), '{}');
const hash = 'a'.repeat(64);
const stitched = metricsOf();
const summary = walkforwardSummarySchema.parse({
  formatVersion: FORMAT_VERSION,
  experiment: 'bench',
  seed: 1,
  configHash: hash,
  dataSha256: hash,
  backend: 'wasm',
  windows: [],
  iterations: summaryRows,
  qualified: n,
  placeholders: 0,
  stitched: { bars: 50, strategy: stitched, buyAndHold: stitched },
  walkForwardEfficiency: { value: null, reason: 'bench' },
  tStatistic: { value: null, reason: 'bench' },
  bestIteration: 1,
  resumes: [],
  totalSeconds: 1,
  finishedAt: time,
});
writeFileSync(join(root, 'walkforward_summary.json'), JSON.stringify(summary));
await CheckpointIndex.from(root, 'bench', entries).save();
console.error(`built in ${((performance.now() - built) / 1000).toFixed(1)} s`);

async function median(label: string, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.error(`${label}: median ${times[2].toFixed(0)} ms (runs ${times.map((t) => t.toFixed(0)).join(', ')})`);
  return times[2];
}

const list = await median('listCheckpoints', () => listCheckpoints(root));
const analyze = await median('analyzeCheckpointPerformance', () => analyzeCheckpointPerformance(root));
const plan = await median('cleanup plan (dry run, keep-every 5, keep-last 3)', () =>
  cleanupCheckpoints(root, { keepEvery: 5, keepLast: 3, dryRun: true }),
);
console.log(JSON.stringify({ checkpoints: n, listMs: Math.round(list), analyzeMs: Math.round(analyze), cleanupPlanMs: Math.round(plan) }));
