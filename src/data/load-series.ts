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
import { checkPanel, filledEntries, findingError, recordOf } from './panel-checks.js';
import { loadPanel, type LoadContext } from './load-panel.js';
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
 * file), or every selected one for a panel run (several selected, data.symbol null), read and checked by DuckDB. Every problem is a DataError naming the file, the line (or Parquet row), the
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
  await engine.run(`CREATE TEMP VIEW selected AS SELECT rowid AS id, * FROM panel WHERE ${selection(choice.selected, present, longFormat)}`);
  const textOf = (id: number, column: string) => {
    const at = recordOf(firstRowid, id);
    return cellText(engine, relations[at.file], column, at.record);
  };
  const finding = await checkPanel(engine, columns, { priceColumn, fillMissing: data.fillMissing, hasDate, longFormat }, textOf);
  if (finding) throw findingError(relations, firstRowid, finding);
  const sha = dataSha256(relations.map((r) => ({ file: r.source.file, sha256: r.sha256 })));
  const context: LoadContext = { engine, data, relations, firstRowid, columns, priceColumn, hasDate, sha256: sha };
  if (choice.traded === null) return loadPanel(context, choice.selected);
  return loadTraded(context, { selected: choice.selected, traded: choice.traded }, longFormat);
}

/** A run of one instrument: the traded one on the calendar of the selection. */
async function loadTraded(context: LoadContext, choice: { selected: string[]; traded: string }, longFormat: boolean): Promise<PriceSeries> {
  const { engine, data, columns, priceColumn, hasDate, relations } = context;
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
  const filled = filledEntries(relations, context.firstRowid, extracted.filled);
  const price = extracted.columns[priceColumn];
  // The price column last, as the reader before DuckDB ordered them.
  const byName = { ...extracted.columns };
  delete byName[priceColumn];
  byName[priceColumn] = price;
  return { file: data.path, sha256: context.sha256, rows, symbol: choice.traded, symbols: choice.selected, gaps, dates: extracted.dates, columns: byName, priceColumn, price, filled, features, gateCuts, panel: null };
}

/**
 * The rows read on: those of the selected instruments and, in long format, those with an empty symbol, for the checks
 * to name their line. Every symbol present selected reads every row with no test at all: a list of 500 symbols in an
 * IN clause is a tenth of a second per million rows every time the view is scanned.
 */
function selection(selected: string[], present: string[], longFormat: boolean): string {
  const chosen = new Set(selected);
  if (present.every((s) => chosen.has(s))) return 'true';
  const inList = `symbol IN (${selected.map(sqlString).join(', ')})`;
  return longFormat ? `symbol IS NULL OR symbol = '' OR ${inList}` : inList;
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
