import { DataError } from '../errors/index.js';
import { PANEL_CALENDAR } from './panel-placement.js';
import type { DataConfig } from './config.js';
import type { DataEngine } from './engine.js';
import { extractPanel } from './extract-panel.js';
import type { SqlFeature } from './feature-specs.js';
import { gateSqlFeatures } from './lookahead-gate.js';
import { filledEntries } from './panel-checks.js';
import type { NumericColumn } from './panel-table.js';
import type { PriceSeries } from './price-series.js';
import { createBarsView, panelValues, runFeatureChain } from './sql-features.js';
import type { SourceRelation } from './source-relation.js';

/** What loading knows once the panel table is read, selected and checked. */
export interface LoadContext {
  engine: DataEngine;
  data: Pick<DataConfig, 'path' | 'fillMissing' | 'align'> & {
    features?: SqlFeature[];
    gateCuts?: (rows: number, dates: string[] | null) => number[];
  };
  relations: SourceRelation[];
  firstRowid: number[];
  columns: NumericColumn[];
  priceColumn: string;
  hasDate: boolean;
  sha256: string;
}

/**
 * A panel run: every selected instrument (in `symbols` order) on the panel calendar, its SQL features computed over
 * all of them and checked by the look-ahead gate at calendar rows, as for one instrument. The series' own fields are
 * those of the first instrument.
 */
export async function loadPanel(context: LoadContext, symbols: string[]): Promise<PriceSeries> {
  const { engine, data } = context;
  const extracted = await extractPanel(engine, context.columns, symbols, { align: data.align, fillMissing: data.fillMissing, priceColumn: context.priceColumn });
  const { dates } = extracted;
  const rows = dates.length;
  if (rows < 2) {
    const calendar = data.align === 'intersect' ? ' (data.align intersect: the dates every selected instrument has; data.align=ffill keeps every date)' : '';
    throw new DataError(data.path, `only ${rows} date(s) on the calendar of the panel of ${symbols.length} instruments${calendar}; a price series needs at least 2`);
  }
  await createBarsView(engine, context.columns, context.hasDate, data.fillMissing);
  await engine.lockDown();
  const sql = data.features ?? [];
  const table = await runFeatureChain(engine, sql, 'bars', 'features');
  const gateCuts = data.gateCuts?.(rows, dates) ?? [];
  const cuts = gateCuts.map((row) => ({ value: `(SELECT t FROM ${PANEL_CALENDAR} WHERE r = ${row})`, label: dates[row] }));
  await gateSqlFeatures(engine, sql, table, cuts, data.path);
  const features = await panelValues(engine, table, sql, { placement: extracted.placement, dates, path: data.path });
  const panel = symbols.map((symbol, k) => ({ symbol, price: extracted.prices[k], features: features[k], firstRow: extracted.placement.firstRows[k] }));
  // The price column last, as for one instrument.
  const columns = { ...extracted.columns };
  delete columns[context.priceColumn];
  columns[context.priceColumn] = panel[0].price;
  return {
    file: data.path,
    sha256: context.sha256,
    rows,
    symbol: symbols[0],
    symbols,
    gaps: extracted.gaps,
    dates,
    columns,
    priceColumn: context.priceColumn,
    price: panel[0].price,
    filled: filledEntries(context.relations, context.firstRowid, extracted.filled),
    features: panel[0].features,
    gateCuts,
    panel,
  };
}
