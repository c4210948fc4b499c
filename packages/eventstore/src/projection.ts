import type { Tx } from '@crm/db';
import { type RawBuilder, sql } from 'kysely';
import type { Column } from './bulk-insert.ts';
import type { StoredEvent } from './types.ts';

/**
 * A read model derived from events. apply() must be correct for any batch of events in stream
 * order, from the one or two an append produced (inline, inside the append's transaction) to the
 * thousands a rebuild feeds it. It may only use what the events say, so a rebuild from position 0
 * reproduces the live tables row for row.
 *
 * Table names in apply() must be unqualified: a rebuild runs it with search_path pointing at
 * shadow copies of `tables`.
 */
export interface Projection {
  name: string;
  /** The tables this projection owns, and only it writes. */
  tables: readonly string[];
  /** Event types it reads; others are never passed to apply(). */
  handles: readonly string[];
  apply(tx: Tx, events: StoredEvent[]): Promise<void>;
  /**
   * Optional: apply() split in two, for an append that writes every projection at once. It does
   * the reads apply() needs (of this projection's own tables only) and returns the writes left, as
   * statements that read no table. The append then sends the writes of all its projections as one
   * statement (see runWrites), one round trip instead of one or more per projection.
   */
  prepare?(tx: Tx, events: StoredEvent[]): Promise<TableWrite[]>;
  /**
   * Optional fast path for a rebuild, which starts from empty tables with no indexes: take every
   * event in order, write the result when told. Must end with the same rows apply() would.
   */
  bulk?(columns: (table: string) => readonly Column[]): BulkSession;
}

export interface BulkSession {
  /**
   * Takes the next batch. Folding happens here, synchronously; a write it needs is returned as a
   * job, which the rebuild runs while it folds the following batch.
   */
  add(events: StoredEvent[]): Write | undefined;
  /** The writes of what is held, in order; each runs in its own short transaction. */
  finish(): Iterable<Write>;
}

/** A prepared write: encoding happens before, so only the database's part is left to wait for. */
export type Write = (tx: Tx) => Promise<void>;

const handledTypes = new WeakMap<Projection, ReadonlySet<string>>();

/** The events a projection handles. Called per projection for every append and every replayed batch, hence the cached set. */
export function handledBy(projection: Projection, events: StoredEvent[]): StoredEvent[] {
  let types = handledTypes.get(projection);
  if (!types) handledTypes.set(projection, (types = new Set(projection.handles)));
  return events.filter((e) => types.has(e.type));
}

/** One data-modifying statement (insert, upsert, delete) on one table, reading no other table. */
export interface TableWrite {
  table: string;
  statement: RawBuilder<unknown>;
}

/**
 * Runs writes as one statement, each a data-modifying WITH clause: PostgreSQL runs every one of
 * them to completion, all on the same snapshot. That is only the same as running them one after
 * another when no two touch the same table (a delete would not see a row inserted beside it), so
 * writes to a table already written go in a statement of their own, in order.
 */
export async function runWrites(tx: Tx, writes: readonly TableWrite[]): Promise<void> {
  let batch: TableWrite[] = [];
  const tables = new Set<string>();
  const flush = async () => {
    if (batch.length === 1) await batch[0]!.statement.execute(tx);
    else if (batch.length > 1) {
      const ctes = batch.map((w, i) => sql`${sql.raw(`w${i}`)} as (${w.statement})`);
      await sql`with ${sql.join(ctes)} select 1`.execute(tx);
    }
    batch = [];
    tables.clear();
  };
  for (const w of writes) {
    if (tables.has(w.table)) await flush();
    batch.push(w);
    tables.add(w.table);
  }
  await flush();
}
