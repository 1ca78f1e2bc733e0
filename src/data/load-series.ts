import { basename } from 'node:path';
import { DataError } from '../errors/index.js';
import { sha256, stableStringify } from '../util/hash.js';
import type { DataConfig } from './config.js';
import { DataEngine, sqlString } from './engine.js';
import { calendarGaps } from './calendar-gaps.js';
import { extractSeries } from './extract-series.js';
import type { SqlFeature } from './feature-specs.js';
import { gateSqlFeatures } from './lookahead-gate.js';
import { createBarsView, runFeatureChain, tradedValues } from './sql-features.js';
import { scanFile } from './file-scan.js';
import { checkPanel, findingError, placeOf, recordOf } from './panel-checks.js';
import { buildPanelTable, cellText } from './panel-table.js';
import type { PriceSeries } from './price-series.js';
import { selectSymbols } from './select-symbols.js';
import { sourceRelation, type SourceRelation } from './source-relation.js';
import { listSources } from './sources.js';

export type LoadOptions = Pick<DataConfig, 'path' | 'priceColumn' | 'dateColumn' | 'fillMissing'> &
  Partial<Pick<DataConfig, 'symbolColumn' | 'symbols' | 'symbol' | 'align'>> & {
    /** SQL features to compute over the panel once it is loaded and the engine locked down. */
    features?: SqlFeature[];
    /** The rows of the series at which the look-ahead gate cuts the data, chosen once its rows and dates are known. */
    gateCuts?: (rows: number, dates: string[] | null) => number[];
  };

/**
 * The traded instrument of `data.path` (CSV or Parquet, one file, a folder or a glob; long format or one series per
 * file), read and checked by DuckDB. Every problem is a DataError naming the file, the line (or Parquet row), the
 * column and what is allowed.
 */
export async function loadPriceSeries(options: LoadOptions): Promise<PriceSeries> {
  const engine = await DataEngine.open();
  try {
    return await loadWith(engine, options);
  } finally {
    engine.close();
  }
}

async function loadWith(engine: DataEngine, options: LoadOptions): Promise<PriceSeries> {
  const data = { symbolColumn: 'symbol', symbols: 'all' as const, symbol: null, align: 'intersect' as const, ...options };
  const priceColumn = data.priceColumn.toLowerCase();
  const sources = await listSources(data.path, engine);
  const relations: SourceRelation[] = [];
  for (const [index, source] of sources.entries()) {
    const implied = sources.length === 1 && data.symbol !== null ? data.symbol : source.stem;
    relations.push(await sourceRelation(engine, source, index, { ...data, implied }));
  }
  const hasDate = relations.every((r) => r.hasDate);
  const longFormat = relations.some((r) => r.hasSymbol);
  const { columns, firstRowid } = await buildPanelTable(engine, relations, priceColumn);
  const present = (await engine.rows('SELECT DISTINCT symbol FROM panel WHERE symbol IS NOT NULL')).map((r) => String(r.symbol));
  const choice = selectSymbols(data.path, present.length ? present : [relations[0].source.stem], data);
  if (choice.selected.length > 1 && !hasDate) {
    throw new DataError(data.path, `holds ${choice.selected.length} symbols but no ${JSON.stringify(data.dateColumn)} column to align them by (data.dateColumn)`);
  }
  const inSelection = longFormat ? `symbol IS NULL OR symbol = '' OR symbol IN (${choice.selected.map(sqlString).join(', ')})` : 'true';
  await engine.run(`CREATE TEMP VIEW selected AS SELECT rowid AS id, * FROM panel WHERE ${inSelection}`);
  const textOf = (id: number, column: string) => {
    const at = recordOf(firstRowid, id);
    return cellText(engine, relations[at.file], column, at.record);
  };
  const finding = await checkPanel(engine, columns, { priceColumn, fillMissing: data.fillMissing, hasDate, longFormat }, textOf);
  if (finding) throw findingError(relations, firstRowid, finding);
  const extracted = await extractSeries(engine, columns, choice, { align: data.align, fillMissing: data.fillMissing, hasDate });
  const gaps = await calendarGaps(engine, choice, data.align);
  await createBarsView(engine, columns, hasDate, data.fillMissing);
  await engine.lockDown();
  const sql = data.features ?? [];
  const table = await runFeatureChain(engine, sql, 'bars', 'features');
  // The gate first: a feature that reads the future often lacks values at the end too, and is named for the leak.
  const gateCuts = data.gateCuts?.(extracted.ids.length, extracted.dates) ?? [];
  await gateSqlFeatures(engine, sql, table, gateCuts.map((row) => cutOf(extracted.ids, extracted.dates, row)), data.path);
  const features = await tradedValues(engine, table, sql, { traded: choice.traded, ids: extracted.ids, dates: extracted.dates, path: data.path });
  const rows = extracted.columns[priceColumn].length;
  if (rows < 2) {
    const where = longFormat || relations.length > 1 ? ` of ${choice.traded}` : '';
    throw new DataError(relations.length === 1 ? relations[0].source.file : data.path, `only ${rows} data row(s)${where}; a price series needs at least 2`);
  }
  const filled = extracted.filled.map(({ column, id }) => {
    const at = recordOf(firstRowid, id);
    const place = placeOf(relations[at.file], at.record);
    return place.line !== undefined ? `${column}:${place.line}` : `${column}:row ${place.row}`;
  });
  const price = extracted.columns[priceColumn];
  // The price column last, as the reader before DuckDB ordered them.
  const byName = { ...extracted.columns };
  delete byName[priceColumn];
  byName[priceColumn] = price;
  return { file: data.path, sha256: dataSha256(relations.map((r) => ({ file: r.source.file, sha256: r.sha256 }))), rows, symbol: choice.traded, symbols: choice.selected, gaps, dates: extracted.dates, columns: byName, priceColumn, price, filled, features, gateCuts };
}

/** A cut of the gate at a row of the series: the date of its bar (of the bar before, for one the calendar filled). */
function cutOf(ids: Float64Array, dates: string[] | null, row: number): { value: string; label: string } {
  let at = row;
  while (at > 0 && Number.isNaN(ids[at])) at--;
  return { value: `(SELECT date FROM bars WHERE id = ${ids[at]})`, label: dates ? dates[row] : `row ${row + 1}` };
}

/** One file's sha256 is its own (so records of runs before DuckDB still match); several files hash their names and hashes. */
function dataSha256(files: Array<{ file: string; sha256: string }>): string {
  if (files.length === 1) return files[0].sha256;
  return sha256(stableStringify(files.map((f) => ({ file: basename(f.file), sha256: f.sha256 }))));
}

/** The sha256 a load of `path` records, without loading it: what a worker checks a job's data against. */
export async function dataPathSha256(path: string): Promise<string> {
  const engine = await DataEngine.open();
  try {
    const sources = await listSources(path, engine);
    return dataSha256(sources.map((s) => ({ file: s.file, sha256: scanFile(s.file, false).sha256 })));
  } finally {
    engine.close();
  }
}
