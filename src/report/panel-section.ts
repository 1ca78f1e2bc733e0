import { esc, num, pct } from './html-format.js';
import { portfolioSchema } from '../config/schema.js';
import type { PortfolioWeighting } from '../env/panel-weights.js';
import type { RunConfigRecord, WalkforwardSummary } from '../records/index.js';
import { layout } from '../store/layout.js';
import { benchmarkLabel, heatmapCaption } from './panel-charts.js';

/** The symbols the header names before "and N more". */
const HEADER_SYMBOLS = 10;

/** What the report says of a panel run; null for a run over one instrument (its report does not change). */
export interface PanelReport {
  symbols: string[];
  weighting: PortfolioWeighting;
  /** The benchmark's short name on the cards. */
  benchmark: string;
}

export function panelReport(run: RunConfigRecord): PanelReport | null {
  if (!run.data.panel) return null;
  // A config that parsed when the run started; a portfolio section from a later version falls back to the default name.
  const parsed = portfolioSchema.safeParse(run.config.portfolio ?? {});
  const weighting = parsed.success ? parsed.data.weighting : 'equal';
  return { symbols: run.data.panel, weighting, benchmark: weighting === 'inverseVol' ? 'inverse-vol buy-and-hold' : 'equal-weight buy-and-hold' };
}

/** Under the title: one agent trades the panel, and every number of the page is the portfolio's. */
export function panelHeader(panel: PanelReport): string {
  const { symbols } = panel;
  const named = symbols.slice(0, HEADER_SYMBOLS).join(', ') + (symbols.length > HEADER_SYMBOLS ? ` and ${symbols.length - HEADER_SYMBOLS} more` : '');
  return `<p id="panel-header">One agent trades a panel of ${symbols.length} instruments (${esc(named)}), weighted ${esc(panel.weighting)}; the numbers below are the portfolio's, against the ${esc(benchmarkLabel(panel.weighting))}.</p>`;
}

/** The provenance row that names every instrument of the data (config.json data.panel). */
export function panelProvenanceRow(panel: PanelReport): string {
  return `<tr><th class="l">panel</th><td class="l" id="panel">panel of ${panel.symbols.length} instruments: ${esc(panel.symbols.join(', '))}</td></tr>`;
}

/**
 * The instruments' section: contribution chart, positions heat map with its caption, and one row per instrument
 * traded out of sample (walkforward_summary.json panel.instruments).
 */
export function panelSection(summary: WalkforwardSummary, charts: { contributions: string; positions: string }): string {
  const instruments = summary.panel?.instruments ?? [];
  const rows = instruments
    .map(
      (i) =>
        `<tr data-symbol="${esc(i.symbol)}"><td class="l">${esc(i.symbol)}</td><td>${i.bars}</td><td>${pct(i.contribution, 2)}</td><td>${num(i.metrics.sharpe)}</td><td>${num(i.metrics.turnover)}</td><td>${pct(i.metrics.exposure)}</td></tr>`,
    )
    .join('\n');
  const caption = charts.positions
    ? `<p class="caption" id="positions-caption">Positions (${layout.panelCharts.positions}): ${esc(heatmapCaption(instruments.length, summary.stitched.bars))}.</p>`
    : '';
  return `<h2 id="instruments">Instruments</h2>
<p>Each instrument's contribution is the sum over its out-of-sample bars of its weight times its return after costs; the contributions add up to the sum of the portfolio's returns.</p>
${charts.contributions}${charts.positions}${caption}
<table id="instrument-table"><thead><tr><th class="l">symbol</th><th>bars traded</th><th>contribution</th><th>Sharpe</th><th>turnover</th><th>exposure</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}
