import type { Tx } from '@crm/db';
import { type RawBuilder, sql } from 'kysely';

export interface Column {
  name: string;
  type: string;
}

/** Column names and SQL types of a table, as search_path resolves it (so a shadow copy in a rebuild). */
export async function columnTypes(tx: Tx, table: string): Promise<Column[]> {
  const { rows } = await sql<Column>`select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a where a.attrelid = to_regclass(${table}) and a.attnum > 0 and not a.attisdropped order by a.attnum`.execute(tx);
  return rows;
}

const QUOTE = /["\\]/g;
/** Most values hold neither a quote nor a backslash; two native scans are cheaper than a regex replace. */
const quoted = (s: string) => (s.indexOf('"') < 0 && s.indexOf('\\') < 0 ? `"${s}"` : `"${s.replace(QUOTE, (c) => `\\${c}`)}"`);

/**
 * One column of rows as a PostgreSQL array literal, built directly: node-postgres's generic array
 * encoding runs a regex per element and was most of a rebuild's write time.
 */
function arrayLiteral(values: unknown[], json: boolean): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (json) parts[i] = quoted(JSON.stringify(v));
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') parts[i] = String(v);
    else if (v instanceof Date) parts[i] = `"${v.toISOString()}"`;
    else parts[i] = quoted(String(v));
  }
  return `{${parts.join(',')}}`;
}

/**
 * An insert of many rows, one array per column zipped by ROWS FROM, which PostgreSQL ingests
 * several times faster than a JSON document of rows. Plain columns travel as typed array
 * literals. A JSON column travels as one JSON array (expanded by jsonb_array_elements): escaping
 * JSON again inside an array literal, and parsing thousands of small documents, cost more than
 * all the rest. A boolean array beside it keeps SQL NULL apart from JSON null.
 *
 * Rows are keyed by column name. The encoding happens now, so the returned write only waits for
 * the database.
 */
export function prepareInsert(
  table: string,
  columns: readonly Column[],
  rows: ReadonlyArray<Record<string, unknown>>,
): (tx: Tx) => Promise<void> {
  const sources: RawBuilder<unknown>[] = [];
  const aliases: string[] = [];
  const selects: string[] = [];
  for (const [i, c] of columns.entries()) {
    const values = rows.map((r) => r[c.name] ?? null);
    if (c.type === 'jsonb' || c.type === 'json') {
      const fn = c.type === 'jsonb' ? 'jsonb_array_elements' : 'json_array_elements';
      sources.push(
        sql`${sql.raw(fn)}(${JSON.stringify(values)}::${sql.raw(c.type)})`,
        sql`unnest(${arrayLiteral(
          values.map((v) => v === null),
          false,
        )}::boolean[])`,
      );
      aliases.push(`c${i}`, `n${i}`);
      selects.push(`case when n${i} then null else c${i} end`);
    } else {
      sources.push(sql`unnest(${arrayLiteral(values, false)}::${sql.raw(c.type)}[])`);
      aliases.push(`c${i}`);
      selects.push(`c${i}`);
    }
  }
  const names = sql.raw(columns.map((c) => `"${c.name}"`).join(', '));
  return async (tx) => {
    if (rows.length === 0) return;
    await sql`insert into ${sql.table(table)} (${names}) select ${sql.raw(selects.join(', '))}
      from rows from (${sql.join(sources)}) as r(${sql.raw(aliases.join(', '))})`.execute(tx);
  };
}

/** Inserts rows now, in chunks (see prepareInsert). */
export async function insertRows(tx: Tx, table: string, rows: ReadonlyArray<Record<string, unknown>>, chunk = 5000): Promise<void> {
  if (rows.length === 0) return;
  const columns = await columnTypes(tx, table);
  for (let i = 0; i < rows.length; i += chunk) await prepareInsert(table, columns, rows.slice(i, i + chunk))(tx);
}
