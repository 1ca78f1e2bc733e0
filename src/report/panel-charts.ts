import type { MetricOptions } from '../analysis/metrics.js';
import type { StitchedBar } from '../analysis/out-of-sample.js';
import { instrumentSummaries, type StitchedInstrument } from '../analysis/panel-out-of-sample.js';
import type { PortfolioWeighting } from '../env/panel-weights.js';
import { layout } from '../store/layout.js';
import type { ChartJob } from './chart-jobs.js';
import type { SeriesLabels } from './chart-specs.js';
import type { ChartSpec } from './render.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The heat map shows at most this many instruments (those with the largest absolute contribution)... */
export const HEATMAP_MAX_INSTRUMENTS = 50;
/** ...and at most this many columns: beyond it each column is the mean position over several consecutive bars. */
export const HEATMAP_MAX_COLUMNS = 250;
/** The contribution chart shows this many instruments at each end and one bar for the rest. */
export const CONTRIBUTION_BARS_EACH_END = 20;

/** The benchmark of a panel run in words: buy-and-hold of every instrument of the universe, weighted as the portfolio is. */
export function benchmarkLabel(weighting: PortfolioWeighting): string {
  return weighting === 'inverseVol' ? 'inverse-volatility buy-and-hold of the universe' : 'equal-weight buy-and-hold of the universe';
}

/** What the heat map of `instruments` instruments over `bars` stitched bars shows: how many rows, how many bars a column averages. */
export function heatmapShape(instruments: number, bars: number): { rows: number; barsPerColumn: number } {
  return { rows: Math.min(instruments, HEATMAP_MAX_INSTRUMENTS), barsPerColumn: Math.max(1, Math.ceil(bars / HEATMAP_MAX_COLUMNS)) };
}

/** The heat map's caption, in the chart and on the page: what was left out or averaged, if anything. */
export function heatmapCaption(instruments: number, bars: number): string {
  const { rows, barsPerColumn } = heatmapShape(instruments, bars);
  const parts = [
    rows < instruments
      ? `the ${rows} of ${instruments} instruments with the largest absolute contribution`
      : `all ${instruments} instrument${instruments === 1 ? '' : 's'}`,
    barsPerColumn > 1 ? `each cell the mean position over ${barsPerColumn} consecutive bars` : 'one cell per bar',
  ];
  return `${parts.join('; ')}; blank (white) where the window's universe left the instrument out`;
}

/** The symbols the heat map shows, in the order of the instruments: all, or the ones of largest absolute contribution. */
export function heatmapSymbols(instruments: ReadonlyArray<{ symbol: string; contribution: number }>): string[] {
  const rows = Math.min(instruments.length, HEATMAP_MAX_INSTRUMENTS);
  const kept = new Set(
    [...instruments]
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
      .slice(0, rows)
      .map((i) => i.symbol),
  );
  return instruments.filter((i) => kept.has(i.symbol)).map((i) => i.symbol);
}

interface Cell {
  symbol: string;
  start: number | string;
  end: number | string;
  position: number;
}

/**
 * Positions over time: one row per instrument, one column per stitched out-of-sample bar (or per run of bars when
 * there are more than HEATMAP_MAX_COLUMNS), coloured short (red), flat (grey), long (blue).
 */
export function positionsHeatmapSpec(
  instruments: StitchedInstrument[],
  contributions: ReadonlyArray<{ symbol: string; contribution: number }>,
  bars: StitchedBar[],
  dates: readonly string[] | null,
): ChartSpec {
  const symbols = heatmapSymbols(contributions);
  const { barsPerColumn } = heatmapShape(instruments.length, bars.length);
  const columns = Math.ceil(bars.length / barsPerColumn);
  const edge = (column: number) => {
    const first = bars[column * barsPerColumn];
    const last = bars[Math.min((column + 1) * barsPerColumn, bars.length) - 1];
    return dates ? { start: dates[first.row], end: dates[Math.min(last.row + 1, dates.length - 1)] } : { start: first.row, end: last.row + 1 };
  };
  const edges = Array.from({ length: columns }, (_, c) => edge(c));
  const cells: Cell[] = [];
  let largest = 1;
  const bySymbol = new Map(instruments.map((s) => [s.symbol, s]));
  for (const symbol of symbols) {
    const s = bySymbol.get(symbol) as StitchedInstrument;
    const sum = new Float64Array(columns);
    const count = new Uint32Array(columns);
    s.at.forEach((at, j) => {
      const c = Math.floor(at / barsPerColumn);
      sum[c] += s.positions[j];
      count[c]++;
      largest = Math.max(largest, Math.abs(s.positions[j]));
    });
    for (let c = 0; c < columns; c++) if (count[c] > 0) cells.push({ symbol, ...edges[c], position: sum[c] / count[c] });
  }
  const type = dates ? ('temporal' as const) : ('quantitative' as const);
  return {
    $schema: SCHEMA,
    title: { text: 'Positions out of sample (short, flat, long)', subtitle: heatmapCaption(instruments.length, bars.length).split('; ') },
    width: 760,
    height: Math.min(600, Math.max(60, symbols.length * (symbols.length <= 20 ? 18 : 12))),
    data: { values: cells },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'start', type, title: dates ? null : 'row' },
      x2: { field: 'end' },
      y: { field: 'symbol', type: 'nominal', sort: symbols, title: null },
      color: {
        field: 'position',
        type: 'quantitative',
        scale: { domain: [-largest, 0, largest], range: ['#b2182b', '#e0e0e0', '#2166ac'] },
        legend: { values: [-largest, 0, largest], labelExpr: "datum.value < 0 ? 'short' : datum.value > 0 ? 'long' : 'flat'" },
        title: 'position',
      },
    },
  } as ChartSpec;
}

/**
 * Each instrument's contribution to the stitched portfolio (the sum over its bars of weight x return after costs),
 * largest first; past 2 x CONTRIBUTION_BARS_EACH_END instruments, the ends, and the rest's sum in the subtitle.
 */
export function contributionSpec(instruments: ReadonlyArray<{ symbol: string; contribution: number }>): ChartSpec {
  const sorted = [...instruments].sort((a, b) => b.contribution - a.contribution);
  const n = CONTRIBUTION_BARS_EACH_END;
  const cut = sorted.length > 2 * n;
  const rows = (cut ? [...sorted.slice(0, n), ...sorted.slice(-n)] : sorted).map((i) => ({ symbol: i.symbol, contribution: i.contribution }));
  const rest = sorted.slice(n, -n).reduce((a, i) => a + i.contribution, 0);
  return {
    $schema: SCHEMA,
    title: {
      text: 'Contribution to the portfolio per instrument',
      subtitle: [
        'the sum over its out-of-sample bars of its weight times its return after costs',
        ...(cut
          ? [
              `the ${n} largest and ${n} smallest of ${sorted.length} instruments; the other ${sorted.length - 2 * n} add up to ${(rest * 100).toFixed(2)}%`,
            ]
          : []),
      ],
    },
    width: 760,
    height: Math.max(60, rows.length * 18),
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'symbol', type: 'nominal', sort: rows.map((r) => r.symbol), title: null },
      x: { field: 'contribution', type: 'quantitative', title: 'contribution (sum of weighted returns)', axis: { format: '%' } },
      color: { condition: { test: 'datum.contribution < 0', value: '#d6604d' }, value: '#4393c3' },
    },
  } as ChartSpec;
}

/** The series names of a panel run's equity, drawdown and returns charts. */
export const panelLabels = (weighting: PortfolioWeighting): SeriesLabels => ({ strategy: 'portfolio', benchmark: benchmarkLabel(weighting) });

/** A panel run's own plots: each instrument's contribution and the positions heat map. */
export function panelChartJobs(
  instruments: StitchedInstrument[],
  bars: StitchedBar[],
  dates: readonly string[] | null,
  options: MetricOptions,
): ChartJob[] {
  const contributions = instrumentSummaries(instruments, options);
  return [
    { file: layout.panelCharts.contributions, spec: contributionSpec(contributions) },
    { file: layout.panelCharts.positions, spec: positionsHeatmapSpec(instruments, contributions, bars, dates) },
  ];
}
