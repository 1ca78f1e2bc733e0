import { DataEngine, sqlString } from '../../src/data/engine.js';

/** A CSV written again as Parquet by DuckDB (dates become DATE, numbers DOUBLE), optionally its `select` of rows `where`. */
export async function toParquet(csv: string, parquet: string, select = '*', where = 'true'): Promise<void> {
  const engine = await DataEngine.open();
  try {
    await engine.run(`COPY (SELECT ${select} FROM read_csv(${sqlString(csv)}) WHERE ${where}) TO ${sqlString(parquet)} (FORMAT parquet)`);
  } finally {
    engine.close();
  }
}
