import { pipeline } from '@crm/domain';
import type { StoredEvent } from '@crm/eventstore';
import type { z } from 'zod';
import { board, type BoardChange } from '../../contracts/pipeline.ts';
import { subscription } from '../../trpc.ts';
import { logFeed } from '../log-feed.ts';

const BOARD_EVENTS = [...Object.values(pipeline.deals.DealEvent), ...Object.values(pipeline.stages.StageEvent)];

const toChange = (e: StoredEvent): z.infer<typeof BoardChange> => ({
  type: e.type,
  stream: e.streamType,
  dealId: e.streamType === 'deal' ? e.streamId : null,
  version: e.streamVersion,
  data: e.data,
  occurredAt: e.occurredAt.toISOString(),
});

/** Board changes as they are committed, from the event log (see logFeed): resumable by lastEventId. */
export const boardChanges = subscription(board.changes, ({ ctx, input, signal }) =>
  logFeed({
    ctx,
    lastEventId: input?.lastEventId,
    signal,
    types: BOARD_EVENTS,
    items: (_tx, events) => events.map((event) => ({ event, data: toChange(event) })),
  }),
);
