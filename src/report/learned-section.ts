import type { IterationRecord, WalkforwardSummary } from '../records/index.js';

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
const num = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

/** The report's "Did it learn?" section: the verdict in plain words and every number behind it, per experiment and iteration. */
export function learnedSection(summary: WalkforwardSummary, records: Map<number, IterationRecord>): string {
  const l = summary.luck;
  const label = l.verdict[0].toUpperCase() + l.verdict.slice(1);
  // The sentence starts with the label; the page shows the label in bold and the reasons after it.
  const rest = l.sentence.startsWith(`${label}: `) ? l.sentence.slice(label.length + 2) : l.sentence;
  const reasons = rest[0].toUpperCase() + rest.slice(1);
  const panel = summary.panel !== undefined;
  const hold = panel ? "the universe's buy-and-hold" : 'buy-and-hold';
  const changes = panel
    ? `random positions per instrument, each with its own number of position changes (${l.chance.changes} in all)`
    : `random positions with the strategy's ${l.chance.changes} position changes`;
  const row = (name: string, value: string, reads: string) =>
    `<tr><th class="l">${esc(name)}</th><td>${value}</td><td class="l">${esc(reads)}</td></tr>`;
  const perIteration = summary.iterations
    .map((it) => {
      const r = records.get(it.iteration);
      const chance = r?.luck.chance;
      return `<tr><td>${it.iteration}</td><td class="l">${esc(it.status)}</td><td>${num(it.selectionScore)}</td><td>${num(r?.selection.untrained?.score)}</td><td>${r?.selection.candidates.length ?? ''}</td><td>${num(chance?.validation?.keptPercentile, 1)}</td><td>${num(chance?.test?.keptPercentile, 1)}</td><td>${num(r?.luck.pbo.pbo)}</td></tr>`;
    })
    .join('\n');
  return `<h2 id="did-it-learn">Did it learn?</h2>
<p id="verdict" data-verdict="${esc(l.verdict)}"><b>${esc(label)}.</b> ${esc(reasons)}</p>
<table id="luck"><thead><tr><th class="l">statistic</th><th>value</th><th class="l">how to read it</th></tr></thead><tbody>
${row('probabilistic Sharpe ratio vs 0', num(l.psr.vsZero.psr), 'probability that the true out-of-sample Sharpe is above 0, given skewness and kurtosis')}
${row(`probabilistic Sharpe ratio vs ${hold}`, num(l.psr.vsBuyAndHold.psr), `the same for the returns in excess of ${hold}`)}
${row('deflated Sharpe ratio', num(l.dsr.dsr), `each test segment is traded by the best of ${l.dsr.trials} candidates; luck alone would give the best an annualized Sharpe of ${num(l.dsr.annualizedExpectedMaxSharpe)} over this horizon; at least 0.95 is evidence of skill`)}
${row('Newey-West t (p-value)', `${num(l.significance.neweyWestT)} (${num(l.significance.neweyWestPValue)})`, `mean return robust to autocorrelation, ${l.significance.lags} lags; plain t ${num(l.significance.iidT)} (${num(l.significance.iidPValue)})`)}
${row('probability of backtest overfitting', num(l.pbo.pbo), `share of ${l.pbo.combinations} cross-validation splits over ${l.pbo.iterations} iterations where the in-sample best falls below the median out of sample; 0.5 is what noise gives`)}
${row('percentile among random policies', num(l.chance.keptPercentile, 1), `${changes}: Sharpe p5 ${num(l.chance.p5)}, median ${num(l.chance.p50)}, p95 ${num(l.chance.p95)}`)}
${row('untrained network vs kept models', `${num(l.untrained.meanScore)} vs ${num(l.untrained.keptMeanScore)}`, 'mean validation score before any gradient step, beside the mean score of the kept models')}
</tbody></table>
<table id="luck-iterations"><thead><tr><th>iter</th><th class="l">status</th><th>kept score</th><th>untrained score</th><th>candidates</th><th>validation percentile</th><th>test percentile</th><th>PBO</th></tr></thead><tbody>
${perIteration}
</tbody></table>`;
}
