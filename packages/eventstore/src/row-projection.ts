import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import { type Column, prepareInsert } from './bulk-insert.ts';
import { type BulkSession, type Projection, runWrites, type TableWrite } from './projection.ts';
import type { StoredEvent } from './types.ts';

type Row = Record<string, unknown>;

export interface RowProjectionSpec<R extends Row> {
  name: string;
  table: string;
  /** Primary-key column; its values are what keysOf returns. */
  key: keyof R & string;
  /** Columns in table order; every row evolve returns has exactly these. */
  columns: readonly (keyof R & string)[];
  handles: readonly string[];
  /** The rows an event touches. */
  keysOf(event: StoredEvent): string[];
  /** Pure: the row after the event, or null once the event removes it. */
  evolve(row: R | null, event: StoredEvent, key: string): R | null;
  /**
   * Event types that start a row from nothing. When the first event touching a key in a batch is
   * one of these, there is no row to load: an inline append of a new deal skips that query.
   */
  creates?: readonly string[];
  /** Rows an event removes by another column (a deleted deal takes its contacts with it). */
  deleteWhere?(event: StoredEvent): { column: keyof R & string; value: string } | null;
}

/**
 * The common read model: one row per key, folded from events with a pure evolve(). Any batch is
 * handled in three statements whatever its size (load touched rows, upsert, delete), which is what
 * lets a rebuild replay a million events quickly and keeps an inline append to a few round trips.
 */
export function rowProjection<R extends Row>(spec: RowProjectionSpec<R>): Projection {
  const cols = spec.columns.map((c) => `"${c}"`).join(', ');
  const updates = spec.columns
    .filter((c) => c !== spec.key)
    .map((c) => `"${c}" = excluded."${c}"`)
    .join(', ');
  const prepare = async (tx: Tx, events: StoredEvent[]): Promise<TableWrite[]> => {
    const firstTouch = new Map<string, string>();
    for (const e of events) for (const k of spec.keysOf(e)) if (!firstTouch.has(k)) firstTouch.set(k, e.type);
    const keys = [...firstTouch].filter(([, type]) => !spec.creates?.includes(type)).map(([k]) => k);
    const state = new Map<string, R | null>();
    if (keys.length > 0) {
      const { rows } = await sql<R>`select * from ${sql.table(spec.table)} where ${sql.ref(spec.key)} = any(${keys})`.execute(tx);
      for (const row of rows) state.set(String(row[spec.key]), row);
    }
    const deletes: Array<{ column: string; value: string }> = [];
    for (const event of events) {
      for (const key of spec.keysOf(event)) state.set(key, spec.evolve(state.get(key) ?? null, event, key));
      const d = spec.deleteWhere?.(event);
      if (d) deletes.push(d);
    }
    const upserts: R[] = [];
    const removed: string[] = [];
    for (const [key, row] of state) row ? upserts.push(row) : removed.push(key);
    const writes: TableWrite[] = [];
    const table = spec.table;
    if (upserts.length > 0) {
      const json = JSON.stringify(upserts.map((r) => pick(r, spec.columns)));
      writes.push({
        table,
        statement: sql`insert into ${sql.table(table)} (${sql.raw(cols)})
        select ${sql.raw(cols)} from jsonb_populate_recordset(null::${sql.table(table)}, ${json}::jsonb)
        on conflict (${sql.ref(spec.key)}) do update set ${sql.raw(updates)}`,
      });
    }
    if (removed.length > 0) {
      writes.push({ table, statement: sql`delete from ${sql.table(table)} where ${sql.ref(spec.key)} = any(${removed})` });
    }
    for (const d of deletes)
      writes.push({ table, statement: sql`delete from ${sql.table(table)} where ${sql.ref(d.column)} = ${d.value}` });
    return writes;
  };
  return {
    name: spec.name,
    tables: [spec.table],
    handles: spec.handles,
    async apply(tx: Tx, events: StoredEvent[]) {
      await runWrites(tx, await prepare(tx, events));
    },
    prepare,
    bulk: (columns) => bulkSession(spec, columns(spec.table)),
  };
}

/**
 * The rebuild's way: the same evolve(), folded over the whole replay in memory, then every row
 * written once (by COPY on PostgreSQL, see prepareInsert). No lookups (the map is the table), no
 * upserts, no index upkeep (the shadow's indexes are built after the load).
 */
function bulkSession<R extends Row>(spec: RowProjectionSpec<R>, columns: readonly Column[]): BulkSession {
  const state = new Map<string, R | null>();
  // For deleteWhere: column -> value -> keys holding it, built the first time a column is used.
  const byColumn = new Map<string, Map<string, Set<string>>>();
  const indexRow = (key: string, row: R | null, add: boolean) => {
    if (!row) return;
    for (const [column, index] of byColumn) {
      const value = String(row[column]);
      let keys = index.get(value);
      if (add) {
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      } else keys?.delete(key);
    }
  };
  const set = (key: string, row: R | null) => {
    indexRow(key, state.get(key) ?? null, false);
    state.set(key, row);
    indexRow(key, row, true);
  };
  const keysWith = (column: string, value: string): string[] => {
    let index = byColumn.get(column);
    if (!index) {
      index = new Map();
      byColumn.set(column, index);
      for (const [key, row] of state) {
        if (!row) continue;
        const v = String(row[column]);
        if (!index.has(v)) index.set(v, new Set());
        index.get(v)!.add(key);
      }
    }
    return [...(index.get(value) ?? [])];
  };
  return {
    add(events) {
      for (const event of events) {
        for (const key of spec.keysOf(event)) set(key, spec.evolve(state.get(key) ?? null, event, key));
        const d = spec.deleteWhere?.(event);
        if (d) for (const key of keysWith(d.column, d.value)) set(key, null);
      }
      return undefined;
    },
    *finish() {
      const rows: Row[] = [];
      for (const row of state.values()) if (row) rows.push(row);
      state.clear();
      // One write per 10,000 rows, each its own short transaction (see rebuildProjections).
      for (let i = 0; i < rows.length; i += 10_000) yield prepareInsert(spec.table, columns, rows.slice(i, i + 10_000));
    },
  };
}

function pick<R extends Row>(row: R, columns: readonly string[]): Row {
  const out: Row = {};
  for (const c of columns) out[c] = row[c] ?? null;
  return out;
}
