import type { Tx } from '@crm/db';
import { CompiledQuery, type RawBuilder, sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';

export interface Column {
  name: string;
  type: string;
}

type Row = Record<string, unknown>;

/** Column names and SQL types of a table, as search_path resolves it (so a shadow copy in a rebuild). */
export async function columnTypes(tx: Tx, table: string): Promise<Column[]> {
  const { rows } = await sql<Column>`select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a where a.attrelid = to_regclass(${table}) and a.attnum > 0 and not a.attisdropped order by a.attnum`.execute(tx);
  return rows;
}

/**
 * An insert of many rows into a table, run when the returned write is. On PostgreSQL (node-postgres)
 * the rows travel as `COPY ... FROM STDIN` text, which the server ingests several times faster than
 * any INSERT, and which is cheaper to encode than array literals. Elsewhere (PGlite, whose Kysely
 * driver has no COPY) they go as one multi-row INSERT. Either way a value is stored as the same
 * column value: strings, numbers, booleans and bigints as their text, Dates as ISO timestamps,
 * JSON columns as JSON (with JSON null stored as SQL NULL), null and undefined as NULL.
 *
 * Rows are keyed by column name and must not change until the write has run: they are encoded as
 * they are sent, a chunk at a time, so no string or buffer grows past V8's large-object threshold.
 */
export function prepareInsert(table: string, columns: readonly Column[], rows: ReadonlyArray<Row>): (tx: Tx) => Promise<void> {
  return async (tx) => {
    if (rows.length === 0) return;
    if (await copyRows(tx, table, columns, rows)) return;
    await insertStatement(table, columns, rows).execute(tx);
  };
}

/** Inserts rows now, in chunks (see prepareInsert). */
export async function insertRows(tx: Tx, table: string, rows: ReadonlyArray<Row>, chunk = 5000): Promise<void> {
  if (rows.length === 0) return;
  const columns = await columnTypes(tx, table);
  for (let i = 0; i < rows.length; i += chunk) await prepareInsert(table, columns, rows.slice(i, i + chunk))(tx);
}

// ---------------------------------------------------------------------------------------------
// COPY, text format: a row per line, values separated by tabs, NULL as \N, and a backslash,
// newline, carriage return or tab inside a value escaped with a backslash.

/**
 * Characters of a COPY chunk, about 64 KB. Strings and buffers over 128 KB go to V8's large-object
 * space (or to mmap for buffers), and every one of those costs page faults when it is made and
 * freed; on this project's VMs that made decoding and encoding megabyte-sized texts 20 to 40
 * times slower per byte than 64 KB ones.
 */
const CHUNK_CHARS = 64_000;

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const copyEscape = (s: string) => (SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPED[c]!) : s);

/** A value's text for a plain column, as the INSERT path sends it (so both store the same). */
function plainText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  return String(v);
}

/** A JS array as a PostgreSQL array literal (for array columns, which COPY takes as text). */
function arrayText(values: readonly unknown[]): string {
  const parts = values.map((v) =>
    v === null || v === undefined ? 'NULL' : Array.isArray(v) ? arrayText(v) : `"${plainText(v).replace(/["\\]/g, (c) => `\\${c}`)}"`,
  );
  return `{${parts.join(',')}}`;
}

type Encode = (v: unknown) => string;

function encoderFor(type: string): Encode {
  // JSON.stringify escapes every control character, so a backslash is all that COPY needs escaped.
  if (type === 'jsonb' || type === 'json')
    return (v) => {
      const s = JSON.stringify(v);
      return s.indexOf('\\') < 0 ? s : s.replace(/\\/g, '\\\\');
    };
  if (type.endsWith('[]')) return (v) => copyEscape(Array.isArray(v) ? arrayText(v) : plainText(v));
  return (v) => (typeof v === 'string' ? copyEscape(v) : copyEscape(plainText(v)));
}

/** The rows as COPY text, one chunk of about CHUNK_CHARS at a time (undefined when done). */
function copyChunks(columns: readonly Column[], rows: ReadonlyArray<Row>): () => string | undefined {
  const names = columns.map((c) => c.name);
  const encoders = columns.map((c) => encoderFor(c.type));
  const n = names.length;
  let next = 0;
  return () => {
    if (next >= rows.length) return undefined;
    let chunk = '';
    while (next < rows.length && chunk.length < CHUNK_CHARS) {
      const row = rows[next++]!;
      for (let i = 0; i < n; i++) {
        const v = row[names[i]!];
        chunk += v === null || v === undefined ? '\\N' : encoders[i]!(v);
        chunk += i === n - 1 ? '\n' : '\t';
      }
    }
    return chunk;
  };
}

/**
 * COPY through the transaction's own connection. Kysely's node-postgres driver hands the query
 * object to `client.query` as it is, and node-postgres runs any object with a `submit` method as a
 * query of its own (that is how pg-copy-streams plugs in), so the COPY runs inside the caller's
 * transaction, role and search_path. Any other driver (PGlite's) rejects the object before
 * sending anything: false, and the caller inserts instead.
 */
async function copyRows(tx: Tx, table: string, columns: readonly Column[], rows: ReadonlyArray<Row>): Promise<boolean> {
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  // At most one chunk handed to the stream at a time (every write waits for 'drain'): when the
  // server refuses the data mid-way, pg-copy-streams has no second chunk left to flush onto a
  // connection it has already let go of (which would throw outside any caller).
  const stream = copyFrom(`copy "${table}" (${names}) from stdin`, { highWaterMark: 1 });
  let failed = false;
  // Listening before the query is handed over: node-postgres reports a dead connection on the next tick.
  const done = new Promise<void>((resolve, reject) => {
    stream.once('error', (error) => {
      // The server refused the COPY and has left copy mode: stop sending, and let the caller's
      // transaction roll back. The stream is not destroyed: that would send a CopyFail after it.
      failed = true;
      reject(error);
    });
    stream.once('finish', resolve);
  });
  done.catch(() => {}); // awaited below; not an unhandled rejection if we return false first
  try {
    await tx.executeQuery({ ...CompiledQuery.raw('copy'), sql: stream as unknown as string });
  } catch {
    return false;
  }
  // Every chunk encoded now, into buffers outside V8's heap: the rows (and the events they hold)
  // can then die young instead of living, and being copied by the scavenger, while chunks go out.
  const chunks: Buffer[] = [];
  const next = copyChunks(columns, rows);
  for (let chunk = next(); chunk !== undefined; chunk = next()) chunks.push(Buffer.from(chunk));
  const pump = () => {
    for (;;) {
      if (failed) return;
      const chunk = chunks.shift();
      if (chunk === undefined) {
        stream.end();
        return;
      }
      if (!stream.write(chunk)) {
        stream.once('drain', pump);
        return;
      }
    }
  };
  pump();
  await done;
  return true;
}

// ---------------------------------------------------------------------------------------------
// The INSERT path (PGlite).

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
 */
function insertStatement(table: string, columns: readonly Column[], rows: ReadonlyArray<Row>): RawBuilder<unknown> {
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
  return sql`insert into ${sql.table(table)} (${names}) select ${sql.raw(selects.join(', '))}
    from rows from (${sql.join(sources)}) as r(${sql.raw(aliases.join(', '))})`;
}
