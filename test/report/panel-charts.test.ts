import type { StitchedBar } from '../../src/analysis/out-of-sample.js';
import type { StitchedInstrument } from '../../src/analysis/panel-out-of-sample.js';
import {
  CONTRIBUTION_BARS_EACH_END,
  HEATMAP_MAX_COLUMNS,
  HEATMAP_MAX_INSTRUMENTS,
  contributionSpec,
  heatmapCaption,
  positionsHeatmapSpec,
} from '../../src/report/panel-charts.js';
import { toPng } from '../../src/report/render.js';

type Cell = { symbol: string; start: number | string; end: number | string; position: number };
const valuesOf = <T>(spec: unknown) => (spec as { data: { values: T[] } }).data.values;
const subtitleOf = (spec: unknown) => (spec as { title: { subtitle: string[] } }).title.subtitle;

/** `n` instruments over `bars` stitched bars; instrument k trades from bar `firstBar(k)` with positions from `position(k, bar)`. */
function panel(n: number, bars: number, position: (k: number, bar: number) => number, firstBar = (_k: number) => 0) {
  const stitched: StitchedBar[] = Array.from({ length: bars }, (_, i) => ({
    iteration: 1,
    row: 10 + i,
    position: 0,
    strategyReturn: 0,
    buyAndHoldReturn: 0,
  }));
  const instruments: StitchedInstrument[] = Array.from({ length: n }, (_, k) => {
    const at = Array.from({ length: bars - firstBar(k) }, (_, j) => firstBar(k) + j);
    return {
      symbol: `S${k}`,
      at,
      weights: at.map(() => 1 / n),
      positions: at.map((i) => position(k, i)),
      returns: at.map(() => 0),
      marketReturns: at.map(() => 0),
    };
  });
  return { stitched, instruments };
}

describe('the panel charts', () => {
  test('a small panel: one cell per bar and per instrument it traded, at the bar’s row, with its position', () => {
    const { stitched, instruments } = panel(
      3,
      12,
      (k, i) => ((k + i) % 3) - 1,
      (k) => (k === 2 ? 5 : 0),
    );
    const contributions = instruments.map((s, k) => ({ symbol: s.symbol, contribution: k / 100 }));
    const spec = positionsHeatmapSpec(instruments, contributions, stitched, null);
    const cells = valuesOf<Cell>(spec);
    expect(cells).toHaveLength(12 + 12 + 7);
    for (const s of instruments)
      s.at.forEach((at, j) => expect(cells).toContainEqual({ symbol: s.symbol, start: 10 + at, end: 11 + at, position: s.positions[j] }));
    expect(subtitleOf(spec)).toEqual(heatmapCaption(3, 12).split('; '));
    expect(heatmapCaption(3, 12)).toMatch(/^all 3 instruments; one cell per bar; /);
  });

  test('dated bars: a cell runs from its first bar’s date to the date after its last bar', () => {
    const { stitched, instruments } = panel(1, 4, () => 1);
    const dates = Array.from({ length: 20 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`);
    const cells = valuesOf<Cell>(positionsHeatmapSpec(instruments, [{ symbol: 'S0', contribution: 0 }], stitched, dates));
    expect(cells[0]).toEqual({ symbol: 'S0', start: dates[10], end: dates[11], position: 1 });
    expect(cells[3]).toEqual({ symbol: 'S0', start: dates[13], end: dates[14], position: 1 });
  });

  test('500 instruments x 5,000 bars: the instruments of largest absolute contribution, each cell the mean position of its run of bars', async () => {
    const n = 500;
    const bars = 5000;
    const { stitched, instruments } = panel(n, bars, (k, i) => (((k * 7 + i) >> 3) % 3) - 1);
    // Contributions alternate in sign: the kept instruments are those of largest magnitude, whichever the sign.
    const contributions = instruments.map((s, k) => ({ symbol: s.symbol, contribution: (k % 2 ? -1 : 1) * ((k * 37) % n) }));
    const spec = positionsHeatmapSpec(instruments, contributions, stitched, null);
    const cells = valuesOf<Cell>(spec);
    const perColumn = Math.ceil(bars / HEATMAP_MAX_COLUMNS);
    const kept = [...contributions].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)).slice(0, HEATMAP_MAX_INSTRUMENTS);
    expect(new Set(cells.map((c) => c.symbol))).toEqual(new Set(kept.map((c) => c.symbol)));
    expect(cells).toHaveLength(HEATMAP_MAX_INSTRUMENTS * HEATMAP_MAX_COLUMNS);
    const s = instruments.find((x) => x.symbol === kept[0].symbol) as StitchedInstrument;
    const column = 7;
    const run = s.positions.slice(column * perColumn, (column + 1) * perColumn);
    expect(cells.find((c) => c.symbol === s.symbol && c.start === 10 + column * perColumn)?.position).toBeCloseTo(
      run.reduce((a, p) => a + p, 0) / run.length,
      12,
    );
    expect(subtitleOf(spec)).toEqual([
      `the ${HEATMAP_MAX_INSTRUMENTS} of ${n} instruments with the largest absolute contribution`,
      `each cell the mean position over ${perColumn} consecutive bars`,
      "blank (white) where the window's universe left the instrument out",
    ]);
    const png = await toPng(spec);
    expect(png.length).toBeGreaterThan(10_000);
  }, 60_000);

  test('the contribution chart: every instrument when few, the largest and smallest and the rest’s sum when many', () => {
    const few = [
      { symbol: 'A', contribution: 0.01 },
      { symbol: 'B', contribution: -0.02 },
      { symbol: 'C', contribution: 0.03 },
    ];
    expect(valuesOf<{ symbol: string }>(contributionSpec(few)).map((r) => r.symbol)).toEqual(['C', 'A', 'B']);
    const many = Array.from({ length: 100 }, (_, k) => ({ symbol: `S${k}`, contribution: (k - 50) / 1000 }));
    const rows = valuesOf<{ symbol: string; contribution: number }>(contributionSpec(many));
    const e = CONTRIBUTION_BARS_EACH_END;
    expect(rows.map((r) => r.symbol)).toEqual([
      ...Array.from({ length: e }, (_, i) => `S${99 - i}`),
      ...Array.from({ length: e }, (_, i) => `S${e - 1 - i}`),
    ]);
    const rest = many.slice(e, 100 - e).reduce((a, r) => a + r.contribution, 0);
    expect(subtitleOf(contributionSpec(many))[1]).toBe(
      `the ${e} largest and ${e} smallest of 100 instruments; the other ${100 - 2 * e} add up to ${(rest * 100).toFixed(2)}%`,
    );
  });
});
