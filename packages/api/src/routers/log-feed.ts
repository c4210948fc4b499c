import { inTenant, type Tx } from '@crm/db';
import { DomainError } from '@crm/domain';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint, type EventStore, type StoredEvent } from '@crm/eventstore';
import { type TrackedEnvelope, tracked } from '@trpc/server';
import { toTRPCError } from '../errors.ts';
import type { AuthedContext } from '../trpc.ts';

// Live feeds read from the event log, not from memory: each item is tracked by its event's
// checkpoint, so a client that reconnects with its lastEventId gets exactly what it missed. Other
// processes' writes arrive by polling; this process's wake the reader at once.

const POLL_MS = 1000;

/** Resolves on the next local append, after `ms`, or when the subscriber leaves. */
function nextWake(store: EventStore, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      off();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const off = store.onAppended(done);
    signal?.addEventListener('abort', done);
  });
}

export interface LogFeed<T> {
  ctx: AuthedContext;
  lastEventId: string | null | undefined;
  signal: AbortSignal | undefined;
  /** The event types the feed reads. */
  types: readonly string[];
  /** The items a page of events makes, each with the event it came from (read in the page's transaction). */
  items(tx: Tx, events: StoredEvent[]): Promise<Array<{ event: StoredEvent; data: T }>> | Array<{ event: StoredEvent; data: T }>;
}

/** The caller's tenant's events of some types as they commit, from lastEventId (or the log's readable head). */
export async function* logFeed<T>(feed: LogFeed<T>): AsyncGenerator<TrackedEnvelope<T>, void, unknown> {
  const { db, store } = feed.ctx.services;
  const tenantId = feed.ctx.principal.tenantId;
  let checkpoint: Checkpoint | null = feed.lastEventId
    ? decodeCheckpoint(feed.lastEventId)
    : await inTenant(db, tenantId, (tx) => store.head(tx, tenantId));
  // Thrown from inside the stream, past tRPC's error mapping: mapped here, so it is a BAD_REQUEST.
  if (!checkpoint) {
    throw toTRPCError(new DomainError('invalid', 'invalid_last_event_id', 'lastEventId is not a checkpoint this server issued'));
  }
  while (!feed.signal?.aborted) {
    const from: Checkpoint = checkpoint;
    const page = await inTenant(db, tenantId, async (tx) => {
      const read = await store.readAll(tx, { after: from, tenantId, types: [...feed.types], limit: 500 });
      return { ...read, items: read.events.length ? await feed.items(tx, read.events) : [] };
    });
    for (const { event: e, data } of page.items) {
      yield tracked(encodeCheckpoint({ transactionId: e.transactionId, position: e.globalPosition }), data);
    }
    checkpoint = page.checkpoint;
    if (page.events.length === 0) await nextWake(store, POLL_MS, feed.signal);
  }
}
