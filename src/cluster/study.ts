import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  deflatedSharpeRatio,
  matrixFromColumns,
  probabilityOfBacktestOverfitting,
  returnMoments,
  trialSharpeVariance,
} from '../analysis/luck/index.js';
import { FORMAT_VERSION, runConfigSchema, walkforwardSummarySchema, type WalkforwardSummary } from '../records/index.js';
import { luckNow } from '../inspect/ledger-now.js';
import { iterationFailureSchema, studyManifestSchema, studySummarySchema, type StudyPoint, type StudySummary } from '../records/index.js';
import { stableStringify } from '../util/hash.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { readJson, writeJson } from '../store/json-file.js';
import { experimentPaths, layout } from '../store/layout.js';

/** Per-bar strategy returns of a finished experiment, read from its oos_returns.csv. */
async function oosReturns(file: string): Promise<Float64Array | null> {
  // A point without its returns file is reported as unfinished by the caller.
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  const [header, ...lines] = text.trimEnd().split('\n');
  const column = header.split(',').indexOf('strategy_return');
  if (column < 0) return null;
  return Float64Array.from(lines.filter((l) => l !== '').map((l) => Number(l.split(',')[column])));
}

/** The failure records an unfinished experiment left, one line each. */
async function failuresOf(paths: ReturnType<typeof experimentPaths>): Promise<string[]> {
  const out: string[] = [];
  // No iterations folder: the point left no failure records.
  for (const name of await readdir(paths.iterations).catch(() => [] as string[])) {
    const n = Number(/(\d+)$/.exec(name)?.[1]);
    if (!Number.isInteger(n) || n < 1) continue;
    // An unreadable failure record says nothing more than the point being unfinished.
    const failure = await readJson(paths.failure(n), iterationFailureSchema).catch(() => null);
    if (failure) out.push(`iteration ${failure.iteration}: ${failure.error}`);
  }
  return out;
}

const stats = (xs: number[]) => {
  if (!xs.length) return { mean: null, sd: null, min: null, max: null };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
};

/**
 * What a study found, from its folder alone: one row per point (settings, stitched out-of-sample metrics against
 * buy-and-hold, qualified iterations), the spread across seeds of points that differ only in their seed, and
 * the statistics that correct the best point for the number of points tried: the deflated Sharpe ratio (trials =
 * finished points, variance of their per-bar Sharpes) and the probability of backtest overfitting over their
 * stitched per-bar returns.
 */
export async function analyzeStudy(dir: string, now: () => Date = () => new Date()): Promise<StudySummary> {
  const manifest = await readJson(join(dir, layout.study.manifest), studyManifestSchema);
  const points: StudyPoint[] = [];
  const returns = new Map<string, Float64Array>();
  const summaries = new Map<string, WalkforwardSummary>();
  let periodsPerYear: number | undefined;
  for (const point of manifest.points) {
    const paths = experimentPaths(dir, point.id);
    // A point without a readable summary is counted as unfinished in the study table.
    const summary = await readJson(paths.summary, walkforwardSummarySchema).catch(() => null);
    const series = summary ? await oosReturns(paths.oosReturns) : null;
    if (summary && series) {
      returns.set(point.id, series);
      summaries.set(point.id, summary);
      // Without a readable config the study falls back to the sweep's periods per year.
      const config = await readJson(paths.config, runConfigSchema).catch(() => null);
      const data = config?.config.data as { periodsPerYear?: number } | undefined;
      periodsPerYear ??= data?.periodsPerYear;
    }
    const failures = summary ? [] : await failuresOf(paths);
    points.push({
      id: point.id,
      settings: point.settings,
      status: summary ? 'finished' : failures.length ? 'failed' : 'missing',
      problem: summary ? null : failures.length ? failures.join('; ') : 'has not finished (run the sweep again to resume it)',
      seed: summary?.seed ?? null,
      iterations: summary?.iterations.length ?? 0,
      qualified: summary?.qualified ?? 0,
      stitched: summary?.stitched ?? null,
      perBarSharpe: series ? returnMoments(series).sharpe : null,
    });
  }
  const trials = trialStatistics(points, returns, periodsPerYear);
  const summary = {
    formatVersion: FORMAT_VERSION,
    study: manifest.study,
    points,
    duplicates: manifest.duplicates,
    seedSpread: seedSpread(points),
    trials,
    ledger: trials.best ? await bestByLedger(dir, trials.best, summaries.get(trials.best) as WalkforwardSummary) : null,
    createdAt: now().toISOString(),
  };
  return studySummarySchema.parse(summary);
}

/** The best point's verdict with every configuration its ledger holds on the same bars (null: no ledger counted it). */
async function bestByLedger(dir: string, point: string, summary: WalkforwardSummary): Promise<StudySummary['ledger']> {
  const root = experimentPaths(dir, point).root;
  // A ledger that cannot be read now leaves the trials as the point's summary recorded them.
  const luck = await luckNow(root, summary).then(
    (now) => now.luck,
    () => summary.luck,
  );
  return luck.trials ? { point, trials: luck.trials, verdict: luck.verdict, sentence: luck.sentence } : null;
}

function seedSpread(points: StudyPoint[]): StudySummary['seedSpread'] {
  const groups = new Map<string, StudyPoint[]>();
  for (const p of points) {
    if (!('seed' in p.settings)) continue;
    const { seed: _seed, ...rest } = p.settings;
    const key = stableStringify(rest);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => {
      const { seed: _seed, ...settings } = g[0].settings;
      const done = g.filter((p) => p.stitched);
      return {
        settings,
        points: g.map((p) => p.id),
        seeds: g.map((p) => Number(p.settings.seed)).filter(Number.isInteger),
        sharpe: stats(done.map((p) => p.stitched?.strategy.sharpe).filter((x): x is number => typeof x === 'number')),
        totalReturn: stats(done.map((p) => p.stitched?.strategy.totalReturn).filter((x): x is number => typeof x === 'number')),
      };
    });
}

function trialStatistics(points: StudyPoint[], returns: Map<string, Float64Array>, periodsPerYear?: number): StudySummary['trials'] {
  // A point that never traded out of sample has no Sharpe ratio; as a trial it counts with Sharpe 0, but it is never
  // the best: holding cash is not a strategy that a Sharpe of 0 would rank above the points that lost money.
  const finished = points.filter((p) => returns.has(p.id));
  const sharpeOf = (p: StudyPoint) => p.perBarSharpe ?? 0;
  const sharpes = finished.map(sharpeOf);
  const variance = trialSharpeVariance(sharpes);
  const traded = finished.filter((p) => (p.stitched?.strategy.numTrades ?? 0) > 0 && p.perBarSharpe !== null);
  const best = traded.length ? traded.reduce((a, b) => (sharpeOf(b) > sharpeOf(a) ? b : a)) : null;
  const bestReason = best
    ? null
    : finished.length
      ? `none of the ${finished.length} finished points traded out of sample (each held no position on every test bar)`
      : 'no point has finished';
  let deflatedSharpe: StudySummary['trials']['deflatedSharpe'] = {
    value: null,
    reason: bestReason,
    expectedMaxSharpe: null,
    sharpe: null,
  };
  if (best && variance !== null) {
    const dsr = deflatedSharpeRatio(returns.get(best.id) as Float64Array, { trials: finished.length, sharpeVariance: variance, periodsPerYear });
    deflatedSharpe = { value: dsr.dsr, reason: dsr.reason, expectedMaxSharpe: dsr.expectedMaxSharpe, sharpe: dsr.sharpe };
  } else if (best) {
    deflatedSharpe = {
      value: null,
      reason: 'needs at least 2 finished points to know how much their Sharpe ratios vary',
      expectedMaxSharpe: null,
      sharpe: best.perBarSharpe,
    };
  }
  const columns = finished.map((p) => returns.get(p.id) as Float64Array);
  const lengths = new Set(columns.map((c) => c.length));
  let pbo: StudySummary['trials']['pbo'] = { value: null, reason: 'needs at least 2 finished points', partitions: null, combinations: 0, bars: 0 };
  if (columns.length >= 2 && lengths.size > 1) {
    pbo = {
      ...pbo,
      reason: `the points' out-of-sample series differ in length (${[...lengths].join(', ')} bars: several data files or window plans)`,
    };
  } else if (columns.length >= 2) {
    const r = probabilityOfBacktestOverfitting(matrixFromColumns(columns));
    pbo = { value: r.pbo, reason: r.reason, partitions: r.partitions, combinations: r.combinations, bars: r.bars };
  }
  return { count: finished.length, best: best?.id ?? null, bestReason, sharpeVariance: variance, deflatedSharpe, pbo };
}

/** Writes study_summary.json and study_report.html into the study folder; returns the summary. */
export async function writeStudy(dir: string, now: () => Date = () => new Date()): Promise<StudySummary> {
  const summary = await analyzeStudy(dir, now);
  await writeJson(join(dir, layout.study.summary), studySummarySchema, summary);
  await writeFileAtomic(join(dir, layout.study.report), studyHtml(summary));
  return summary;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));

function ledgerHtml(s: StudySummary): string {
  const l = s.ledger;
  if (!l) return '';
  const t = l.trials;
  return `<h2>The best point, judged by the trial ledger</h2>
<p id="ledger-verdict" data-verdict="${esc(l.verdict)}">${esc(l.sentence)}</p>
<ul>
<li>Trial ledger ${esc(t.ledger)} (${esc(t.file)} from ${esc(l.point)}): ${t.count} configurations on these data and test bars, ${t.runs} runs, this sweep's points and every earlier run on them</li>
<li>Luck alone would give the best an annualized Sharpe of ${num(t.annualizedExpectedMaxSharpe)}; the best tried made ${num(t.annualizedBestSharpe)}; deflated Sharpe ratio ${num(t.dsr)}${t.reason ? ` (${esc(t.reason)})` : ''}</li>
</ul>`;
}

/** A small self-contained HTML page of the study summary. */
export function studyHtml(s: StudySummary): string {
  const settings = (o: Record<string, unknown>) =>
    esc(
      Object.entries(o)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ') || '(base)',
    );
  const rows = s.points.map(
    (p) =>
      `<tr><td>${esc(p.id)}</td><td>${settings(p.settings)}</td><td>${p.status}${p.problem ? `: ${esc(p.problem)}` : ''}</td>` +
      `<td>${num(p.stitched?.strategy.sharpe)}</td><td>${num(p.stitched?.buyAndHold.sharpe)}</td>` +
      `<td>${num(p.stitched?.strategy.totalReturn)}</td><td>${num(p.stitched?.buyAndHold.totalReturn)}</td>` +
      `<td>${num(p.stitched?.strategy.maxDrawdown)}</td><td>${p.qualified} of ${p.iterations}</td></tr>`,
  );
  const spread = s.seedSpread.map(
    (g) =>
      `<tr><td>${settings(g.settings)}</td><td>${g.seeds.join(', ')}</td><td>${num(g.sharpe.mean)}</td><td>${num(g.sharpe.sd)}</td>` +
      `<td>${num(g.sharpe.min)} .. ${num(g.sharpe.max)}</td><td>${num(g.totalReturn.mean)}</td><td>${num(g.totalReturn.sd)}</td></tr>`,
  );
  const t = s.trials;
  const why = (r: string | null) => (r ? ` (${esc(r)})` : '');
  const duplicates = s.duplicates.length
    ? `<p>${s.duplicates.length} more ${s.duplicates.length === 1 ? 'point' : 'points'} of the sweep file computed the same as another and ran, and count, once: ` +
      `${s.duplicates
        .slice(0, 20)
        .map((d) => `${settings(d.settings)} = ${esc(d.sameAs)}`)
        .join('; ')}${s.duplicates.length > 20 ? `; and ${s.duplicates.length - 20} more (study.json lists them all)` : ''}.</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Study ${esc(s.study)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f4f4f4}</style>
</head><body>
<h1>Study ${esc(s.study)}</h1>
<p>${s.points.length} points; ${t.count} finished. Out-of-sample figures are of the stitched test segments of each point's walk-forward run.</p>
${duplicates}
<h2>Points</h2>
<table><tr><th>point</th><th>settings</th><th>status</th><th>Sharpe</th><th>buy-and-hold Sharpe</th><th>return</th><th>buy-and-hold return</th><th>max drawdown</th><th>qualified iterations</th></tr>
${rows.join('\n')}
</table>
<h2>Spread across seeds</h2>
${spread.length ? `<table><tr><th>settings</th><th>seeds</th><th>mean Sharpe</th><th>sd</th><th>range</th><th>mean return</th><th>sd</th></tr>\n${spread.join('\n')}\n</table>` : '<p>No settings were run with more than one seed.</p>'}
<h2>Corrected for the number of trials</h2>
<ul>
<li>Best point: ${t.best ? `${esc(t.best)}, per-bar Sharpe ${num(t.deflatedSharpe.sharpe, 4)}` : `none${why(t.bestReason)}`}; variance of the ${t.count} points' per-bar Sharpes ${num(t.sharpeVariance, 6)}</li>
<li>Deflated Sharpe ratio: ${num(t.deflatedSharpe.value)} (expected maximum per-bar Sharpe of ${t.count} skill-less trials ${num(t.deflatedSharpe.expectedMaxSharpe, 4)})${why(t.deflatedSharpe.reason)}</li>
<li>Probability of backtest overfitting: ${num(t.pbo.value)} over ${t.pbo.bars} bars, ${t.pbo.combinations} combinations${why(t.pbo.reason)}</li>
</ul>
${ledgerHtml(s)}
</body></html>
`;
}
