import type { Tx } from '@crm/db';
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
}

export function handledBy(projection: Projection, events: StoredEvent[]): StoredEvent[] {
  return events.filter((e) => projection.handles.includes(e.type));
}
