import type { PipelineConfig } from '../config/schema.js';
import { featureWarmup } from '../config/rules.js';
import { computeFeatures } from '../data/features.js';
import { gateBuiltins, type ComputeBuiltins } from '../data/lookahead-gate.js';
import type { InstrumentSeries, PriceSeries } from '../data/price-series.js';
import { DataError } from '../errors/index.js';
import type { Window } from '../windows/build-windows.js';
import { firstValue, warmupError } from './warmup.js';
import { windowCoverage, type WindowCoverage } from './window-coverage.js';

type Panel = PriceSeries & { panel: InstrumentSeries[] };

/** The built-in features of every instrument of a panel, cut by the look-ahead gate on its own history. */
export function gatePanelBuiltins(config: PipelineConfig, series: Panel, compute: ComputeBuiltins = computeFeatures): void {
  for (const instrument of series.panel) {
    const from = instrument.firstRow;
    const cuts = series.gateCuts.filter((row) => row > from).map((row) => row - from);
    const dates = series.dates && from > 0 ? series.dates.slice(from) : series.dates;
    gateBuiltins(
      instrument.price.subarray(from),
      config.env,
      config.features,
      cuts,
      { symbol: instrument.symbol, dates, path: config.data.path },
      compute,
    );
  }
}

/**
 * The instruments of each window of a panel run: those that hold it whole up to its test segment (windowCoverage) less
 * those whose features become ready later than the earliest one's, or leave fewer than 2 training bars (left out with
 * reason 'warmup'). A first window
 * that only warm-ups empty is the warm-up error of one instrument; any window left with no instrument is refused,
 * naming it.
 */
export function panelCoverage(config: PipelineConfig, series: Panel, windows: Window[]): WindowCoverage[] {
  const label = (row: number) => (series.dates ? series.dates[row] : `row ${row + 1}`);
  const builtins = featureWarmup(config);
  // The row from which an instrument's every feature has a value.
  const ready = new Map(series.panel.map((i) => [i.symbol, Math.max(i.firstRow + builtins, ...Object.values(i.features).map(firstValue))]));
  const coverage = windowCoverage(series, windows);
  for (const [k, c] of coverage.entries()) {
    const { train } = windows[k];
    // Training starts where the earliest instrument's features are ready; one that is ready later would hold every
    // other instrument back, so it waits for a later window.
    const base = Math.max(train.start, Math.min(...c.instruments.map((s) => ready.get(s) as number)));
    const warming = c.instruments.filter((s) => (ready.get(s) as number) > base || train.end - base < 2);
    if (k === 0 && warming.length && warming.length === c.instruments.length) {
      const warmup = Math.min(...warming.map((s) => ready.get(s) as number)) - train.start;
      throw warmupError(config, warmup);
    }
    for (const s of warming)
      c.leftOut.push({ symbol: s, missing: Math.min(ready.get(s) as number, train.end) - train.start, first: label(train.start), reason: 'warmup' });
    c.instruments = c.instruments.filter((s) => !warming.includes(s));
    if (c.instruments.length === 0) throw emptyWindow(config, series, windows[k], c, label);
  }
  return coverage;
}

function emptyWindow(config: PipelineConfig, series: Panel, w: Window, c: WindowCoverage, label: (row: number) => string): DataError {
  const gaps = c.leftOut.filter((m) => !m.reason);
  const warming = c.leftOut.length - gaps.length;
  const closest = [...gaps].sort((a, b) => a.missing - b.missing)[0];
  const why =
    gaps.length === series.panel.length
      ? `none of the ${series.panel.length} selected instruments has every bar in it (the closest, ${closest.symbol}, misses ${closest.missing} of ${c.bars})`
      : `${gaps.length ? `${gaps.length} of the ${series.panel.length} selected instruments lack bars in it and ` : ''}the features of ${warming === 1 ? 'the one that holds it' : `the ${warming} that hold it`} warm up over its training bars`;
  const fix = gaps.length
    ? 'choose data.symbols that hold it whole, set data.align=intersect (only the dates every instrument has), or start the data later'
    : 'lengthen windows.train or shorten the longest window of a feature';
  return new DataError(
    config.data.path,
    `window ${w.iteration} (${label(w.train.start)}..${label(w.test.end - 1)}) has no instrument to trade: ${why}; ${fix}`,
  );
}
