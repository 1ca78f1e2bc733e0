import { oneSided } from '../analysis/experiment-luck.js';
import type { ExperimentLuck, IterationRecord, WalkforwardSummary } from '../records/index.js';

const esc = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
const num = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

/** The report's "Did it learn?" section: the verdict in plain words and every number behind it, per experiment and iteration. */
export function learnedSection(summary: WalkforwardSummary, records: Map<number, IterationRecord>, l: ExperimentLuck = summary.luck): string {
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
${trialsRow(l, row)}${row('probabilistic Sharpe ratio vs 0', num(l.psr.vsZero.psr), 'probability that the true out-of-sample Sharpe is above 0, given skewness and kurtosis; at least 0.95 counts')}
${row(`probabilistic Sharpe ratio vs ${hold}`, num(l.psr.vsBuyAndHold.psr), `the same for the returns in excess of ${hold} (reported, not in the verdict)`)}
${row('Newey-West t (one-sided p-value)', `${num(l.significance.neweyWestT)} (${num(oneSided(l.significance.neweyWestT, l.significance.neweyWestPValue))})`, `mean return robust to autocorrelation, ${l.significance.lags} lags; two-sided p ${num(l.significance.neweyWestPValue)}; plain t ${num(l.significance.iidT)} (two-sided p ${num(l.significance.iidPValue)}); a one-sided p of at most 0.05 counts`)}
${row('percentile among random policies', num(l.chance.keptPercentile, 1), `${changes}: Sharpe p5 ${num(l.chance.p5)}, median ${num(l.chance.p50)}, p95 ${num(l.chance.p95)}; at least 95 counts`)}
${validationRow(l, row)}${row('probability of backtest overfitting (validation search)', num(l.pbo.pbo), `share of ${l.pbo.combinations} cross-validation splits over ${l.pbo.iterations} iterations where the in-sample best falls below the median out of sample; 0.5 is what noise gives (a diagnostic)`)}
${row('untrained network vs kept models', `${num(l.untrained.meanScore)} vs ${num(l.untrained.keptMeanScore)}`, 'mean validation score before any gradient step, beside the mean score of the kept models')}
</tbody></table>
<table id="luck-iterations"><thead><tr><th>iter</th><th class="l">status</th><th>kept score</th><th>untrained score</th><th>candidates</th><th>validation percentile</th><th>test percentile</th><th>PBO</th></tr></thead><tbody>
${perIteration}
</tbody></table>`;
}

type Row = (name: string, value: string, reads: string) => string;

/** The configurations tried on the same bars, from the trial ledger; in the verdict when there are 2 or more. */
function trialsRow(l: ExperimentLuck, row: Row): string {
  const t = l.trials;
  if (!t) return '';
  if (t.count < 2)
    return `${row('configurations tried on these bars', '1', `the only one in trial ledger ${t.ledger} (${t.file}): no search to deflate for`)}\n`;
  return `${row(
    `deflated Sharpe ratio over ${t.count} configurations tried`,
    num(t.dsr),
    `trial ledger ${t.ledger} holds ${t.count} configurations on these data and test bars; luck alone would give the best an annualized Sharpe of ${num(t.annualizedExpectedMaxSharpe)} (the best tried made ${num(t.annualizedBestSharpe)}); at least 0.95 counts`,
  )}\n`;
}

/** The validation search's own deflation: a diagnostic, since the test bars took no part in the choice. */
function validationRow(l: ExperimentLuck, row: Row): string {
  const v = l.validationSearch;
  if (!v)
    return l.dsr
      ? `${row("deflated Sharpe ratio (as this summary's version judged)", num(l.dsr.dsr), `against the best of ${l.dsr.trials} candidates per iteration`)}\n`
      : '';
  return `${row(
    'deflated Sharpe ratio on validation (validation search)',
    num(v.dsr),
    `the kept models' validation Sharpe ${num(v.keptSharpe)} against ${num(v.expectedMaxSharpe)} that luck gives the best of ${v.trials} candidates (annualized); at least 0.95 in ${v.reaching} of ${v.iterations} iterations (a diagnostic, not in the verdict)`,
  )}\n`;
}
