import { sql } from 'kysely';
import { personStream } from '../people/events.ts';
import { clearPlatformEventMetadata } from '../platform-events/commands.ts';
import type { CommandContext } from '../shared/command.ts';
import { decideErasure } from './decide.ts';
import { destroyKey, lockSubjectKey, type Subject } from './keys.ts';
import { SEALED } from './rules.ts';

export interface ErasureResult {
  personId: string;
  erasedAt: Date;
  /** The person's events whose personal part no longer reads. */
  sealedEvents: number;
  /**
   * Their events stored before sealing existed, in clear: the log cannot change (the hash chain),
   * so only read models and rebuilds forget what these hold.
   */
  clearEvents: number;
  /** Their platform events whose free-form metadata was cleared (the facts and counts stay). */
  platformEventsCleared: number;
}

/**
 * Erases a person (GDPR art. 17): destroys their key and appends PersonErased, in one transaction.
 * Works for deleted and merged-away persons too: their personal data is still in the log.
 */
export async function erasePerson(ctx: CommandContext, personId: string): Promise<ErasureResult> {
  const stream = personStream(personId);
  const subject: Subject = { tenantId: ctx.tenantId, subjectType: stream.type, subjectId: personId };
  // Key row first, then the stream: a concurrent personal write waits on one or the other and
  // then fails (an erased key, or a stream no longer at the version it read).
  const key = await lockSubjectKey(ctx.tx, subject);
  const { rows } = await sql<{ version: string }>`select version from es_streams
    where tenant_id = ${ctx.tenantId} and stream_type = ${stream.type} and stream_id = ${personId} for update`.execute(ctx.tx);
  const version = rows[0] ? Number(rows[0].version) : null;
  const events = decideErasure({ streamVersion: version, erasedAt: key?.erased_at ?? null }, personId);
  const erasedAt = ctx.clock.now();
  await destroyKey(ctx.tx, subject, erasedAt);
  await ctx.store.append(ctx.tx, ctx.tenantId, stream, version!, events, ctx.metadata);
  const { rows: counts } = await sql<{ sealed: number; clear: number }>`select
      count(*) filter (where data ? ${SEALED})::int as sealed,
      count(*) filter (where not data ? ${SEALED} and (event_type in ('PersonCreated', 'PersonAdded')
        or (event_type = 'PersonRevised' and data->'personal' <> '{}'::jsonb)
        or (event_type = 'PersonUpdated' and data->'changes' <> '{}'::jsonb)))::int as clear
    from es_events where tenant_id = ${ctx.tenantId} and stream_type = ${stream.type} and stream_id = ${personId}`.execute(ctx.tx);
  // Platform events are analytics facts about the person: their metadata is free-form and may hold
  // personal data (an email typed into a form), so it goes with the key.
  const platformEventsCleared = await clearPlatformEventMetadata(ctx.tx, ctx.tenantId, [personId]);
  return { personId, erasedAt, sealedEvents: counts[0]!.sealed, clearEvents: counts[0]!.clear, platformEventsCleared };
}
