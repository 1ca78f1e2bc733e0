import { algorithmOf } from '../agent/registry.js';
import type { PipelineConfig } from '../config/schema.js';
import { describeFeatures } from '../data/feature-specs.js';
import type { Window, Segment } from '../windows/build-windows.js';
import type { ExperimentPlan } from '../plan/plan.js';

export function segmentText(s: Segment | null): string {
  if (!s) return '-';
  const dates = s.startDate ? ` ${s.startDate}..${s.endDate}` : '';
  return `[${s.start}, ${s.end})${dates}`;
}

export function windowsTable(windows: Window[]): string {
  const header = ['iter', 'train', 'validation', 'test'];
  const rows = windows.map((w) => [
    String(w.iteration),
    segmentText(w.train),
    segmentText(w.validation),
    segmentText(w.test) + (w.partial ? ' (partial)' : ''),
  ]);
  return table([header, ...rows]);
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The short display printed at start: data, windows, agent, timesteps, destination. */
export function configDisplay(config: PipelineConfig, plan: ExperimentPlan, destination?: string): string {
  const { series, windows } = plan;
  const first = windows[0];
  const last = windows[windows.length - 1];
  const span = series.dates ? ` (${series.dates[0]}..${series.dates[series.rows - 1]})` : '';
  const lines = [
    'Configuration:',
    `  - Data: ${series.file}, ${series.rows} rows${span}, column ${series.priceColumn}, sha256 ${series.sha256.slice(0, 12)}`,
    `  - Windows: ${windows.length} ${config.windows.mode} (train ${config.windows.train}, validation ${config.windows.validation}, test ${config.windows.test}, step ${config.windows.step ?? config.windows.test}, gap ${config.windows.gap}); tests cover ${segmentText({ ...first.test, end: last.test.end, endDate: last.test.endDate })}`,
    `  - Agent: ${algorithmOf(config.agent).describe(config.agent)}`,
    `  - Training: ${config.training.timesteps} steps per iteration, evaluation every ${config.training.evalFreq}, selection by ${config.selection.metric}${config.training.warmStart ? ', warm start' : ''}`,
    `  - Environment: ${environmentFeatures(config)}, ${config.env.allowShort ? 'short/flat/long' : 'flat/long'}, costs ${config.env.costBps + config.env.slippageBps} bps`,
  ];
  if (destination) lines.push(`  - Results: ${destination}`);
  return lines.join('\n');
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function num(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined ? 'n/a' : x.toFixed(digits);
}

/** The features as the summary names them: the settings of before as they always read, a list by its entries. */
function environmentFeatures(config: PipelineConfig): string {
  const { features, env } = config;
  if (Array.isArray(features)) return `features ${describeFeatures(features, env.lookback)}`;
  return `lookback ${env.lookback}${features.extra.length ? ` + ${features.extra.join(', ')}` : ''}`;
}
