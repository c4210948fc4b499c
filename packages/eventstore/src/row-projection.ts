import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import type { Projection } from './projection.ts';
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
  const updates = spec.columns.filter((c) => c !== spec.key).map((c) => `"${c}" = excluded."${c}"`).join(', ');
  return {
    name: spec.name,
    tables: [spec.table],
    handles: spec.handles,
    async apply(tx: Tx, events: StoredEvent[]) {
      const keys = [...new Set(events.flatMap((e) => spec.keysOf(e)))];
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
      for (const [key, row] of state) (row ? upserts.push(row) : removed.push(key));
      if (upserts.length > 0) {
        const json = JSON.stringify(upserts.map((r) => pick(r, spec.columns)));
        await sql`insert into ${sql.table(spec.table)} (${sql.raw(cols)})
          select ${sql.raw(cols)} from jsonb_populate_recordset(null::${sql.table(spec.table)}, ${json}::jsonb)
          on conflict (${sql.ref(spec.key)}) do update set ${sql.raw(updates)}`.execute(tx);
      }
      if (removed.length > 0) {
        await sql`delete from ${sql.table(spec.table)} where ${sql.ref(spec.key)} = any(${removed})`.execute(tx);
      }
      for (const d of deletes) {
        await sql`delete from ${sql.table(spec.table)} where ${sql.ref(d.column)} = ${d.value}`.execute(tx);
      }
    },
  };
}

function pick<R extends Row>(row: R, columns: readonly string[]): Row {
  const out: Row = {};
  for (const c of columns) out[c] = row[c] ?? null;
  return out;
}
