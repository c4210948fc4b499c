import type { Tx } from '@crm/db';
import type { EventRow } from './events-table.ts';
import type { NewEvent, StreamRef } from './types.ts';

/**
 * A pluggable transform between the events commands append and the form the log stores: the
 * domain uses it to seal personal data under per-subject keys (crypto-shredding). The store stays
 * domain-free: it only knows which event types the codec wants and calls it on the way in and out.
 *
 * The hash chain covers the stored (sealed) form, so destroying a key later changes nothing the
 * chain verifies. Inline projections at append see the events as the command gave them.
 */
export interface EventCodec {
  /** Event types it may transform; events of other types never reach it and cost nothing. */
  readonly handles: ReadonlySet<string>;
  /** Parsed events to their stored form, in the append's transaction (it may create keys there). */
  seal(tx: Tx, tenantId: string, stream: StreamRef, events: NewEvent[]): Promise<NewEvent[]>;
  /**
   * Stored rows back to readable data, before upcasting (upcasters see what was sealed). Looks
   * its keys up once per call, so a batch of a thousand rows is one query.
   */
  open(tx: Tx, rows: EventRow[]): Promise<EventRow[]>;
}

/** Rows through the codec when it wants any of them; the same array otherwise. */
export async function openRows(codec: EventCodec | undefined, tx: Tx, rows: EventRow[]): Promise<EventRow[]> {
  if (!codec || !rows.some((r) => codec.handles.has(r.event_type))) return rows;
  return codec.open(tx, rows);
}
