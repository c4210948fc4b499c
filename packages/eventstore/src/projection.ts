import type { Tx } from '@crm/db';
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

export function handledBy(projection: Projection, events: StoredEvent[]): StoredEvent[] {
  return events.filter((e) => projection.handles.includes(e.type));
}
