import type { Candidate, ModelCard, WalkforwardSummary } from '../../records/index.js';
import { FORMAT_VERSION } from '../../records/index.js';
import { algorithmOf } from '../../agent/registry.js';
import { parseInstant } from '../../util/instant.js';
import { chanceWarning } from '../../inspect/ledger-now.js';
import type { Window } from '../../windows/build-windows.js';
import type { WindowTrading } from '../../training/window-trading.js';
import type { RunContext } from '../context/index.js';
import { modelObservation } from '../seed/index.js';
import type { Qualification } from '../selection/index.js';

export interface ProductionOutcome {
  window: Window;
  trading: WindowTrading;
  best: Candidate | null;
  scoredOn: 'validation' | 'train';
  buyAndHoldScore: number | null;
  verdict: Qualification;
  model: ModelCard['model'];
}

/** The card of a production model (or of its absence), with the study's evidence from its summary. */
export function modelCard(ctx: RunContext, outcome: ProductionOutcome, summary: WalkforwardSummary): ModelCard {
  const { config, series } = ctx;
  const { window, trading, best } = outcome;
  const dates = series.dates;
  return {
    formatVersion: FORMAT_VERSION,
    experiment: ctx.experiment,
    createdAt: ctx.store.now().toISOString(),
    status: outcome.model ? 'model' : 'none',
    reason: outcome.verdict.reason,
    model: outcome.model,
    configHash: ctx.configHash,
    algorithm: algorithmOf(config.agent).name,
    data: {
      path: config.data.path,
      sha256: series.sha256,
      rows: series.rows,
      firstDate: dates?.[0] ?? null,
      lastDate: dates?.[series.rows - 1] ?? null,
    },
    window: { train: window.train, validation: window.validation },
    currentUntil: { bars: config.windows.test, date: dateAfter(dates, window.train.start, config.windows.test) },
    positions: [...trading.spaces.action.positions],
    instruments: ctx.panel ? (ctx.panel.universes.get(window.iteration) ?? []) : null,
    observation: { features: [...ctx.features.names], settings: modelObservation(config, trading) },
    selection: {
      metric: config.selection.metric,
      scoredOn: outcome.scoredOn,
      score: best?.score ?? null,
      step: best?.step ?? null,
      buyAndHoldScore: outcome.buyAndHoldScore,
      metrics: best?.metrics ?? null,
    },
    ...evidenceOf(summary),
  };
}

/** The study's evidence on a card, and the warning when it is indistinguishable from chance. */
export function evidenceOf(summary: WalkforwardSummary): Pick<ModelCard, 'evidence' | 'warning'> {
  return {
    evidence: {
      iterations: summary.iterations.length,
      qualified: summary.qualified,
      bars: summary.stitched.bars,
      strategy: summary.stitched.strategy,
      buyAndHold: summary.stitched.buyAndHold,
      luck: summary.luck,
    },
    warning: chanceWarning(summary.luck),
  };
}

/**
 * The date `bars` bars after the last one, at the mean bar spacing since `from` (calendar gaps included, so 250
 * daily bars come out near a year); written like the data's dates. Null without dates.
 */
export function dateAfter(dates: readonly string[] | null, from: number, bars: number): string | null {
  if (!dates || dates.length < 2) return null;
  const last = dates[dates.length - 1];
  const first = Math.min(from, dates.length - 2);
  const t0 = parseInstant(dates[first]);
  const t1 = parseInstant(last);
  if (!Number.isFinite(t0) || !Number.isFinite(t1) || t1 <= t0) return null;
  const iso = new Date(t1 + ((t1 - t0) / (dates.length - 1 - first)) * bars).toISOString();
  return /^\d{4}-\d{2}-\d{2}$/.test(last.trim()) ? iso.slice(0, 10) : iso;
}
