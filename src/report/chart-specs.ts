import type { DiagnosticSpec } from '../agent/agent.js';
import type { Candidate } from '../records/index.js';
import type { TrainingHistory } from '../training/history.js';
import type { StitchedBar } from '../analysis/out-of-sample.js';
import type { ChartSpec } from './render.js';

const WIDTH = 560;
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Training curves of one iteration: episode reward, each charted diagnostic of the agent (DQN: loss, epsilon) and the validation score over steps. */
export function iterationSpec(
  iteration: number,
  step: number,
  timesteps: number,
  h: Pick<TrainingHistory, 'points' | 'episodes'>,
  candidates: Candidate[],
  metric: string,
  diagnostics: readonly DiagnosticSpec[],
): ChartSpec {
  const x = { field: 'step', type: 'quantitative' as const, title: 'step', scale: { domain: [0, timesteps] } };
  const panel = (title: string, values: object[], y: object, mark: object = { type: 'line', point: values.length < 60 }) => ({
    title,
    width: WIDTH,
    height: 110,
    data: { values },
    mark,
    encoding: { x, y },
  });
  return {
    $schema: SCHEMA,
    title: `Iteration ${iteration}: training${step < timesteps ? ` (step ${step} of ${timesteps})` : ''}`,
    vconcat: [
      panel('Episode reward (sum of log returns after costs)', h.episodes, { field: 'reward', type: 'quantitative', title: 'reward' }),
      ...diagnostics.flatMap(({ name, chart }) =>
        chart
          ? [
              panel(
                chart.title,
                h.points.filter((p) => p[name] !== null && p[name] !== undefined && (!chart.log || (p[name] as number) > 0)),
                { field: name, type: 'quantitative', title: name, scale: chart.log ? { type: 'log' } : { domain: chart.domain } },
                { type: 'line' },
              ),
            ]
          : [],
      ),
      panel(
        `Validation ${metric}`,
        candidates.filter((c) => c.score !== null),
        { field: 'score', type: 'quantitative', title: metric },
      ),
    ],
  } as ChartSpec;
}

/** The x axis of a chart over rows: dates when the data has them, else row numbers. */
export function xOf(dates: readonly string[] | null) {
  return dates ? { field: 'date', type: 'temporal' as const, title: null } : { field: 'row', type: 'quantitative' as const, title: 'row' };
}

interface EquityRow {
  row: number;
  date?: string;
  series: string;
  value: number;
}

/** The names of the two series: a panel run's are the portfolio and its universe's buy-and-hold. */
export interface SeriesLabels {
  strategy: string;
  benchmark: string;
}

const ONE_INSTRUMENT: SeriesLabels = { strategy: 'strategy', benchmark: 'buy-and-hold' };

/** The series' colours; a panel's long benchmark name gets the legend below the chart, unabridged. */
const seriesColor = (labels: SeriesLabels) => ({
  field: 'series',
  type: 'nominal' as const,
  title: null,
  ...(labels === ONE_INSTRUMENT ? {} : { legend: { orient: 'bottom' as const, labelLimit: 0 } }),
});

/** Stitched out-of-sample equity against buy-and-hold, with a rule where each iteration's test segment starts. */
export function equitySpec(bars: StitchedBar[], dates: readonly string[] | null, labels: SeriesLabels = ONE_INSTRUMENT): ChartSpec {
  const rows: EquityRow[] = [];
  let strategy = 1;
  let hold = 1;
  for (const b of bars) {
    strategy *= 1 + b.strategyReturn;
    hold *= 1 + b.buyAndHoldReturn;
    const date = dates?.[b.row];
    rows.push({ row: b.row, date, series: labels.strategy, value: strategy }, { row: b.row, date, series: labels.benchmark, value: hold });
  }
  const starts = bars
    .filter((b, i) => i === 0 || bars[i - 1].iteration !== b.iteration)
    .map((b) => ({ row: b.row, date: dates?.[b.row], iteration: b.iteration }));
  const x = xOf(dates);
  return {
    $schema: SCHEMA,
    title: `Out-of-sample equity (stitched test segments) vs ${labels.benchmark}`,
    width: 760,
    height: 300,
    layer: [
      { data: { values: starts }, mark: { type: 'rule', color: '#bbb', strokeDash: [3, 3] }, encoding: { x } },
      {
        data: { values: rows },
        mark: { type: 'line' },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'equity (start = 1)', scale: { zero: false } },
          color: seriesColor(labels),
        },
      },
    ],
  } as ChartSpec;
}

/** Drawdown of the stitched strategy and of buy-and-hold. */
export function drawdownSpec(bars: StitchedBar[], dates: readonly string[] | null, labels: SeriesLabels = ONE_INSTRUMENT): ChartSpec {
  const rows: EquityRow[] = [];
  const state = { strategy: { w: 1, peak: 1 }, benchmark: { w: 1, peak: 1 } };
  for (const b of bars) {
    for (const [series, r] of [
      ['strategy', b.strategyReturn],
      ['benchmark', b.buyAndHoldReturn],
    ] as const) {
      const s = state[series];
      s.w *= 1 + r;
      s.peak = Math.max(s.peak, s.w);
      rows.push({ row: b.row, date: dates?.[b.row], series: labels[series], value: s.w / s.peak - 1 });
    }
  }
  return {
    $schema: SCHEMA,
    title: 'Drawdown (out of sample)',
    width: 760,
    height: 200,
    data: { values: rows },
    mark: { type: 'line' },
    encoding: {
      x: xOf(dates),
      y: { field: 'value', type: 'quantitative', title: 'drawdown', axis: { format: '%' } },
      color: seriesColor(labels),
    },
  } as ChartSpec;
}

/** Validation and test Sharpe of each iteration's preserved model, with buy-and-hold's test Sharpe. */
export function sharpeSpec(rows: Array<{ iteration: number; series: string; sharpe: number }>): ChartSpec {
  return {
    $schema: SCHEMA,
    title: 'Sharpe by iteration: validation (selection) vs test (out of sample)',
    width: 760,
    height: 240,
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'iteration', type: 'ordinal' },
      xOffset: { field: 'series', type: 'nominal' },
      y: { field: 'sharpe', type: 'quantitative', title: 'Sharpe (annualized)' },
      color: { field: 'series', type: 'nominal', title: null },
    },
  } as ChartSpec;
}

/** Distribution of the strategy's out-of-sample per-bar returns. */
export function returnsHistogramSpec(bars: StitchedBar[], labels: SeriesLabels = ONE_INSTRUMENT): ChartSpec {
  return {
    $schema: SCHEMA,
    title: `Distribution of out-of-sample per-bar returns (${labels.strategy})`,
    width: 760,
    height: 220,
    data: { values: bars.map((b) => ({ r: b.strategyReturn })) },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'r', type: 'quantitative', bin: { maxbins: 60 }, title: 'return per bar', axis: { format: '%' } },
      y: { aggregate: 'count', type: 'quantitative', title: 'bars' },
    },
  } as ChartSpec;
}

/** The walk-forward plan as a timeline: one row per iteration, train / validation / test segments. */
export function windowsSpec(
  rows: Array<{ iteration: number; segment: string; start: number | string; end: number | string }>,
  dated: boolean,
): ChartSpec {
  const type = dated ? 'temporal' : 'quantitative';
  return {
    $schema: SCHEMA,
    title: 'Walk-forward windows',
    width: 760,
    height: Math.max(120, 16 * new Set(rows.map((r) => r.iteration)).size),
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'iteration', type: 'ordinal' },
      x: { field: 'start', type, title: null },
      x2: { field: 'end' },
      color: {
        field: 'segment',
        type: 'nominal',
        scale: { domain: ['train', 'validation', 'test'], range: ['#9ecae1', '#fdae6b', '#74c476'] },
        title: null,
      },
    },
  } as ChartSpec;
}
