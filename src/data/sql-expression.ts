import { ConfigError } from '../errors/index.js';
import { sqlString, type DataEngine } from './engine.js';

/** Functions whose value depends on when or how often they run, not on the bars: a feature must be reproducible. */
const VOLATILE = new Set(['random', 'setseed', 'uuid', 'gen_random_uuid', 'now', 'current_date', 'current_time', 'current_timestamp', 'get_current_time', 'get_current_timestamp', 'today', 'transaction_timestamp', 'current_localtime', 'current_localtimestamp', 'nextval', 'currval']);

type Node = Record<string, unknown>;

/**
 * Refuses, naming the feature, an expression that is not one expression over the current bar and its windows: DuckDB
 * parses it alone (json_serialize_sql, which runs nothing) and it must be a single select item with no FROM, no
 * subquery, no table function and no volatile function. A subquery could read every bar whatever the look-ahead gate
 * cuts, and a FROM or a UNION smuggled in with closing parentheses could do the same.
 */
export async function checkFeatureExpression(engine: DataEngine, sql: string, where: string): Promise<void> {
  const query = `SELECT ${sql}\nWINDOW w AS (PARTITION BY symbol ORDER BY date)`;
  const rows = await engine.rows(`SELECT json_serialize_sql(${sqlString(query)}) AS tree`);
  const tree = JSON.parse(String(rows[0].tree)) as { error: boolean; error_message?: string; statements?: Array<{ node: Node }> };
  const refuse = (why: string) => {
    throw new ConfigError([`${where}: ${why}; a feature is one SQL expression over the bars (w = PARTITION BY symbol ORDER BY date)`]);
  };
  if (tree.error) refuse(`DuckDB cannot read it as an expression (${String(tree.error_message).split('\n')[0]})`);
  const statements = tree.statements ?? [];
  if (statements.length !== 1) refuse('it holds a second statement');
  const node = statements[0].node;
  if (node.type !== 'SELECT_NODE') refuse('it combines queries (UNION, EXCEPT or INTERSECT)');
  const from = node.from_table as Node | null;
  if ((node.select_list as unknown[]).length !== 1) refuse('it holds more than one expression');
  if (from?.type !== 'EMPTY' || node.where_clause || node.having || (node.group_expressions as unknown[]).length || node.qualify)
    refuse('it holds a FROM, WHERE, GROUP BY, HAVING or QUALIFY clause');
  for (const found of walk(node.select_list)) {
    if (found.class === 'SUBQUERY') refuse('it holds a subquery, which could read every bar whatever the look-ahead gate cuts');
    const name = found.class === 'COLUMN_REF' && (found.column_names as string[]).length === 1 ? (found.column_names as string[])[0] : found.function_name;
    if (typeof name === 'string' && VOLATILE.has(name.toLowerCase())) refuse(`${name} gives another value on every run`);
  }
}

/** Every object of a parsed tree, depth first. */
function* walk(value: unknown): Generator<Node> {
  if (Array.isArray(value)) for (const item of value) yield* walk(item);
  else if (value && typeof value === 'object') {
    yield value as Node;
    for (const child of Object.values(value)) yield* walk(child);
  }
}
