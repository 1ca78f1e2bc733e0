import { esc, num, pct } from './html-format.js';
import { experimentRecords } from '../store/experiment-records.js';
import { journalLines } from '../retention/journal.js';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-file.js';
import { listCheckpoints } from '../inspect/listing.js';
import { type IterationRecord, type RunConfigRecord, type WalkforwardSummary } from '../records/index.js';
import { iterationRecordNames, layout } from '../store/layout.js';
import { besideSection, type BesideRun } from './beside.js';
import { learnedSection } from './learned-section.js';
import { luckNow } from '../inspect/ledger-now.js';
import { panelHeader, panelProvenanceRow, panelReport, panelSection } from './panel-section.js';

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/**
 * results/<id>/report.html: one self-contained file (pictures inlined, no external URL) with the experiment and
 * its provenance, the windows, the per-iteration table, the charts, the checkpoints with sizes and hashes, and
 * the cleanup journal. Built from the files on disk, so `wfo report` can rebuild it at any time.
 */
export async function writeReport(experimentDir: string, beside: readonly BesideRun[] = []): Promise<string> {
  const read = experimentRecords(experimentDir);
  const run = await read.config();
  const summary: WalkforwardSummary = await read.summary();
  // A ledger that cannot be read now (moved away, not ours) leaves the trials as the summary recorded them.
  const luck = await luckNow(experimentDir, summary).then(
    (now) => now.luck,
    () => summary.luck,
  );
  const list = await listCheckpoints(experimentDir);
  const iterationRecords = await readIterationRecords(experimentDir);
  const records = new Map<number, { reason?: string }>();
  for (const r of list.rows) {
    const record = iterationRecords.get(r.iteration);
    if (r.status === 'placeholder' && record?.kind === 'placeholder') records.set(r.iteration, record);
  }
  const vis = join(experimentDir, layout.visualizations);
  // No visualizations folder (a run with --no-charts): the report shows no pictures.
  const pictures = new Set(await readdir(vis).catch(() => [] as string[]));
  const img = async (name: string, alt: string) =>
    pictures.has(name)
      ? `<img class="chart" data-chart="${esc(name)}" alt="${esc(alt)}" src="data:image/png;base64,${(await readFile(join(vis, name))).toString('base64')}">`
      : '';
  // Only the removals: cleanup's planned/done markers (its crash recovery) carry no file.
  const journal = (await journalLines(join(experimentDir, layout.journal)).catch(() => [])).filter((x) => typeof x.file === 'string');
  const s = summary.stitched;
  const names = layout.experimentCharts;
  const chart = (key: keyof typeof names) => img(names[key], names[key].replace('.png', '').replace(/_/g, ' '));
  const charts = {
    equity: await chart('equity'),
    drawdown: await chart('drawdown'),
    sharpe: await chart('sharpe'),
    returns: await chart('returns'),
    windows: await chart('windows'),
  };
  const panel = panelReport(run);
  const bh = benchmarkOf(run);
  const panelCharts = {
    contributions: await img(layout.panelCharts.contributions, 'contribution per instrument'),
    positions: await img(layout.panelCharts.positions, 'positions heat map'),
  };
  const iterationCharts = await Promise.all(
    summary.iterations.map((it) => img(layout.iterationChart(it.iteration), `iteration ${it.iteration} training`)),
  );

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Walk-forward report: ${esc(summary.experiment)}</title>
<style>
body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;font-size:12px;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 6px;text-align:right}
th{background:#f4f4f4}td.l,th.l{text-align:left}.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 12px;min-width:160px}.card b{display:block;font-size:18px}
img.chart{max-width:100%;border:1px solid #eee;margin:6px 0;display:block}.grid{display:grid;grid-template-columns:1fr 1fr;gap:8px}.placeholder{color:#999}pre{background:#f8f8f8;padding:8px;font-size:11px;overflow:auto}
</style></head><body>
<h1>Walk-forward report: experiment ${esc(summary.experiment)}</h1>
<p>Finished ${esc(summary.finishedAt)} in ${num(summary.totalSeconds, 1)} s on the ${esc(summary.backend)} backend; seed ${esc(summary.seed)}.</p>
${panel ? `${panelHeader(panel)}\n` : ''}<div class="cards">
<div class="card">Out-of-sample Sharpe<b id="oos-sharpe">${num(s.strategy.sharpe)}</b>${bh} <span id="bh-sharpe">${num(s.buyAndHold.sharpe)}</span></div>
<div class="card">Out-of-sample return<b id="oos-return">${pct(s.strategy.totalReturn)}</b>${bh} ${pct(s.buyAndHold.totalReturn)}</div>
<div class="card">Max drawdown<b>${pct(s.strategy.maxDrawdown)}</b>${bh} ${pct(s.buyAndHold.maxDrawdown)}</div>
<div class="card">Iterations with a model<b id="qualified">${summary.qualified} of ${summary.iterations.length}</b>${s.bars} test bars</div>
<div class="card">Walk-forward efficiency<b>${num(summary.walkForwardEfficiency.value)}</b>${esc(summary.walkForwardEfficiency.reason ?? '')}</div>
<div class="card">t-statistic of OOS returns<b>${num(summary.tStatistic.value)}</b>${esc(summary.tStatistic.reason ?? '')}</div>
</div>
${learnedSection(summary, iterationRecords, luck)}
<h2>Provenance</h2>
<table><tr><th class="l">data file</th><td class="l">${esc(run.data.file)} (${run.data.rows} rows, column ${esc(run.data.priceColumn)})</td></tr>
<tr><th class="l">data sha256</th><td class="l"><code>${esc(run.data.sha256)}</code></td></tr>
${panel ? `${panelProvenanceRow(panel)}\n` : ''}${featureGateRow(run.featureGate)}
${coverageRow(run.coverage)}
<tr><th class="l">config hash</th><td class="l"><code>${esc(run.configHash)}</code></td></tr>
<tr><th class="l">versions</th><td class="l">${esc(
    Object.entries(run.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  )}</td></tr>
<tr><th class="l">resumes</th><td class="l">${run.resumes.length ? run.resumes.map((r) => `${esc(r.at)}${r.forced ? ` (forced: ${esc(r.changes.join('; '))})` : ''}`).join('<br>') : 'none'}</td></tr></table>
<h2>Windows</h2>${charts.windows}
<h2>Out of sample</h2>${charts.equity}${charts.drawdown}${charts.returns}
${beside.length ? `${besideSection(beside, await img(layout.besideChart, 'equity side by side'), bh)}\n` : ''}${panel ? `${panelSection(summary, panelCharts)}\n` : ''}<h2>Iterations</h2>${charts.sharpe}
<table id="iterations"><thead><tr><th>iter</th><th class="l">status</th><th class="l">test segment</th><th>selection score</th><th>step</th><th>val Sharpe</th><th>test Sharpe</th><th>test return</th><th>B&amp;H test Sharpe</th><th class="l">note</th></tr></thead><tbody>
${summary.iterations
  .map((it) => {
    const row = list.rows.find((r) => r.iteration === it.iteration);
    const status = row?.status ?? it.status;
    return `<tr data-iteration="${it.iteration}"><td>${it.iteration}</td><td class="l">${esc(status)}</td><td class="l">${esc(it.window.test.startDate ?? it.window.test.start)}..${esc(it.window.test.endDate ?? it.window.test.end - 1)}</td><td>${num(it.selectionScore)}</td><td>${it.selectionStep ?? ''}</td><td>${num(it.validation?.sharpe)}</td><td class="test-sharpe">${num(it.test.sharpe)}</td><td>${pct(it.test.totalReturn)}</td><td>${num(it.buyAndHoldTest.sharpe)}</td><td class="l">${esc(records.get(it.iteration)?.reason ?? (row?.best ? 'best model' : ''))}</td></tr>`;
  })
  .join('\n')}
</tbody></table>
<h2>Training, per iteration</h2><div class="grid">${iterationCharts.join('\n')}</div>
<h2>Checkpoints</h2>
<table id="checkpoints"><thead><tr><th>iter</th><th class="l">status</th><th class="l">file</th><th>size</th><th class="l">sha256</th></tr></thead><tbody>
${list.rows.map((r) => `<tr><td>${r.iteration}</td><td class="l">${esc(r.status)}${r.best ? ' (best)' : ''}</td><td class="l">${esc(r.file)}</td><td>${kib(r.size)}</td><td class="l"><code>${esc(r.sha256)}</code></td></tr>`).join('\n')}
</tbody></table>
<p>${list.footer.iterations} iterations, ${list.footer.models} models, ${list.footer.placeholders} placeholders, ${list.footer.pruned} pruned; ${kib(list.footer.diskBytes)} on disk.</p>
<h2>Cleanup journal</h2>
${journal.length ? `<table id="journal"><thead><tr><th class="l">time</th><th class="l">file</th><th>size</th><th class="l">action</th><th class="l">rule</th></tr></thead><tbody>${journal.map((j) => `<tr><td class="l">${esc(j.time)}</td><td class="l">${esc(j.file)}</td><td>${kib(Number(j.size))}</td><td class="l">${esc(j.action)}${j.archive ? ` to ${esc(j.archive)}` : ''}</td><td class="l">${esc(j.rule)}</td></tr>`).join('')}</tbody></table>` : '<p id="journal">No cleanup has run.</p>'}
<h2>Configuration</h2><pre>${esc(JSON.stringify(run.config, null, 2))}</pre>
</body></html>
`;
  const path = join(experimentDir, layout.report);
  await writeFileAtomic(path, html);
  return path;
}

/** The benchmark's short name: buy-and-hold, or a panel's same-weight buy-and-hold of its universe. */
export function benchmarkOf(run: RunConfigRecord): string {
  return panelReport(run)?.benchmark ?? 'buy-and-hold';
}

/** Every iteration record that parses, by iteration (a damaged one is left out of the luck table, not fatal). */
async function readIterationRecords(experimentDir: string): Promise<Map<number, IterationRecord>> {
  const out = new Map<number, IterationRecord>();
  // No checkpoints folder yet: no iteration to tabulate.
  const names = await readdir(join(experimentDir, layout.checkpoints)).catch(() => [] as string[]);
  for (const { name, iteration } of iterationRecordNames(names)) {
    const record = await experimentRecords(experimentDir)
      .iteration(`${layout.checkpoints}/${name}`)
      // A damaged record is left out of the luck table; verify names it.
      .catch(() => null);
    if (record) out.set(iteration, record);
  }
  return out;
}

/** The features and what the look-ahead gate found, when config.json records it (runs before issue 24 do not). */
function featureGateRow(gate: RunConfigRecord['featureGate']): string {
  if (!gate) return '';
  const cuts = `${gate.cuts.length} cut${gate.cuts.length === 1 ? '' : 's'} (${gate.cuts.join(', ')})`;
  return `<tr><th class="l">features</th><td class="l" id="feature-gate">${esc(gate.features.join(', '))}: look-ahead gate ${esc(gate.verdict)} at ${esc(cuts)}</td></tr>`;
}

/** The windows that left an instrument out or filled bars of the traded one (data.align ffill), when any did. */
function coverageRow(coverage: RunConfigRecord['coverage']): string {
  if (!coverage?.length) return '';
  const lines = coverage.map((c) => {
    const out = c.leftOut.map((m) =>
      m.reason === 'warmup'
        ? `${m.symbol} left out (features warming up over ${m.missing} training bars from ${m.first})`
        : `${m.symbol} left out (${m.missing} bars missing from ${m.first})`,
    );
    if (c.filled) out.push(`${c.filled.symbol}: ${c.filled.missing} bars carried forward from ${c.filled.first}`);
    return `window ${c.iteration}: ${out.join('; ')}`;
  });
  return `<tr><th class="l">instruments</th><td class="l" id="coverage">${lines.map(esc).join('<br>')}</td></tr>`;
}
