import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { DataError } from '../errors/index.js';
import { sqlString, type DataEngine } from './engine.js';

export type SourceKind = 'csv' | 'parquet';

export interface Source {
  file: string;
  kind: SourceKind;
  /** The instrument a file without a symbol column holds: its name without the extension. */
  stem: string;
}

const DATA_FILE = /\.(csv|parquet|pq)$/i;
const GLOB = /[*?[]/;

const kindOf = (file: string): SourceKind => (/\.(parquet|pq)$/i.test(file) ? 'parquet' : 'csv');
const source = (file: string): Source => ({ file, kind: kindOf(file), stem: basename(file, extname(file)) });

/**
 * The files `data.path` names: one file, every CSV or Parquet file of a folder, or the files a glob matches (expanded
 * by DuckDB), in name order. A folder or glob that matches nothing is a DataError naming it.
 */
export async function listSources(path: string, engine: DataEngine): Promise<Source[]> {
  if (GLOB.test(path)) {
    const rows = await engine.rows(`SELECT file FROM glob(${sqlString(path)}) ORDER BY file`);
    const files = rows.map((r) => String(r.file)).filter((f) => DATA_FILE.test(f));
    if (files.length === 0) throw new DataError(path, 'the pattern matches no CSV or Parquet file');
    return files.map(source);
  }
  const info = statSync(path, { throwIfNoEntry: false });
  if (info?.isDirectory()) {
    const files = readdirSync(path)
      .filter((f) => DATA_FILE.test(f))
      .sort()
      .map((f) => join(path, f));
    if (files.length === 0) throw new DataError(path, 'the folder holds no CSV or Parquet file (.csv, .parquet)');
    return files.map(source);
  }
  return [source(path)];
}
