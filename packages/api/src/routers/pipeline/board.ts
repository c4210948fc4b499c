import { inTenant } from '@crm/db';
import { DomainError, pipeline } from '@crm/domain';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint, type EventStore, type StoredEvent } from '@crm/eventstore';
import { tracked } from '@trpc/server';
import { board, type BoardChange } from '../../contracts/pipeline.ts';
import { subscription } from '../../trpc.ts';
import type { z } from 'zod';

const BOARD_EVENTS = [...Object.values(pipeline.deals.DealEvent), ...Object.values(pipeline.stages.StageEvent)];
const POLL_MS = 1000;

const toChange = (e: StoredEvent): z.infer<typeof BoardChange> => ({
  type: e.type,
  stream: e.streamType,
  dealId: e.streamType === 'deal' ? e.streamId : null,
  version: e.streamVersion,
  data: e.data,
  occurredAt: e.occurredAt.toISOString(),
});

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

/**
 * Board changes as they are committed, read from the event log (not from memory), each tracked by
 * its checkpoint: a client that reconnects with its lastEventId gets exactly what it missed. Other
 * processes' writes arrive by polling; this process's wake the reader at once.
 */
export const boardChanges = subscription(board.changes, async function* ({ ctx, input, signal }) {
  const { db, store } = ctx.services;
  const tenantId = ctx.principal.tenantId;
  let checkpoint: Checkpoint | null = input?.lastEventId
    ? decodeCheckpoint(input.lastEventId)
    : await inTenant(db, tenantId, (tx) => store.head(tx, tenantId));
  if (!checkpoint) throw new DomainError('invalid', 'invalid_last_event_id', 'lastEventId is not a checkpoint this server issued');
  while (!signal?.aborted) {
    const from: Checkpoint = checkpoint;
    const page: { events: StoredEvent[]; checkpoint: Checkpoint } = await inTenant(db, tenantId, (tx) =>
      store.readAll(tx, { after: from, tenantId, types: BOARD_EVENTS, limit: 500 }),
    );
    for (const e of page.events) {
      yield tracked(encodeCheckpoint({ transactionId: e.transactionId, position: e.globalPosition }), toChange(e));
    }
    checkpoint = page.checkpoint;
    if (page.events.length === 0) await nextWake(store, POLL_MS, signal);
  }
});
