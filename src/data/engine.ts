import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * The one data engine: an in-memory DuckDB per load. One thread keeps the order of a scan the order of the file
 * (row numbers are line positions) and keeps a worker thread's share of the machine predictable; TimeZone is UTC so
 * that a date without an offset means the same instant on every machine, whatever TZ the process runs under.
 */
export class DataEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DataEngine> {
    // No temp_directory: DuckDB would otherwise spill a large sort to .tmp in the working folder.
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '1',
      temp_directory: '',
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    try {
      const connection = await instance.connect();
      await connection.run("SET TimeZone = 'UTC'");
      return new DataEngine(instance, connection);
    } catch (err) {
      instance.closeSync();
      throw err;
    }
  }

  /** Rows of a query as plain objects (BIGINT as number: counts and row numbers here stay far below 2^53). */
  async rows(sql: string): Promise<Array<Record<string, unknown>>> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /**
   * After loading, the connection can compute and nothing else: no file, network or extension is reachable, and no
   * later statement can turn that back on.
   */
  async lockDown(): Promise<void> {
    await this.connection.run('SET enable_external_access = false');
    await this.connection.run('SET lock_configuration = true');
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A string as a SQL literal. */
export const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** A name as a SQL identifier, whatever characters it holds. */
export const sqlName = (name: string): string => `"${name.replaceAll('"', '""')}"`;
