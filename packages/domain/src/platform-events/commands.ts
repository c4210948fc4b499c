import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import type { CommandContext } from '../shared/command.ts';
import { DomainError } from '../shared/errors.ts';
import '../companies/tables.ts';
import '../people/tables.ts';
import './tables.ts';

// Platform events are high-volume analytics facts about canonical entities ("email_opened"), not
// changes of an aggregate: nothing decides on them and no projection folds them. They go to an
// append-only table of their own, a whole batch in one multi-row INSERT, instead of through the
// event store's per-stream versions, hash chains and inline projections (see the README).

export interface NewPlatformEvent {
  canonicalId: string;
  app: string;
  category: string;
  action: string;
  metadata: unknown;
  /** When it happened, as the sending app says; now when not given. */
  occurredAt?: Date | undefined;
}

export interface WrittenPlatformEvent {
  id: string;
  occurred_at: Date;
  recorded_at: Date;
}

/** Which of these ids name a person or company of the tenant (merged ones included: their ids keep resolving). */
export async function existingCanonicals(tx: Tx, tenantId: string, ids: string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  const { rows } = await sql<{ id: string }>`select id from persons where tenant_id = ${tenantId} and id = any(${unique}::uuid[])
    union all select id from companies where tenant_id = ${tenantId} and id = any(${unique}::uuid[])`.execute(tx);
  return new Set(rows.map((r) => r.id));
}

/**
 * Appends the events, all or none: an id that names no canonical entity of the tenant refuses the
 * whole batch, naming the first such item's index. One statement for the batch, whatever its size.
 */
export async function writePlatformEvents(ctx: CommandContext, events: NewPlatformEvent[]): Promise<WrittenPlatformEvent[]> {
  if (events.length === 0) return [];
  const known = await existingCanonicals(
    ctx.tx,
    ctx.tenantId,
    events.map((e) => e.canonicalId),
  );
  const missing = events.findIndex((e) => !known.has(e.canonicalId));
  if (missing >= 0) {
    const id = events[missing]!.canonicalId;
    throw new DomainError(
      events.length === 1 ? 'not_found' : 'invalid',
      'canonical_not_found',
      events.length === 1 ? `canonical entity ${id} not found` : `events.${missing}: canonical entity ${id} not found`,
      { index: missing, canonicalId: id },
    );
  }
  const now = ctx.clock.now();
  const { rows } = await sql<WrittenPlatformEvent>`insert into platform_events
      (tenant_id, canonical_id, app, category, action, metadata, occurred_at, actor_user_id)
    select ${ctx.tenantId}::uuid, e.canonical_id, e.app, e.category, e.action, e.metadata, e.occurred_at, ${ctx.userId}::integer
      from unnest(${events.map((e) => e.canonicalId)}::uuid[], ${events.map((e) => e.app)}::text[],
                  ${events.map((e) => e.category)}::text[], ${events.map((e) => e.action)}::text[],
                  ${events.map((e) => JSON.stringify(e.metadata ?? {}))}::jsonb[],
                  ${events.map((e) => (e.occurredAt ?? now).toISOString())}::timestamptz[])
        as e(canonical_id, app, category, action, metadata, occurred_at)
    returning id, occurred_at, recorded_at`.execute(ctx.tx);
  return rows;
}

/**
 * Erasure (GDPR art. 17) of the entities' platform events: their free-form metadata may hold
 * personal data, so it is cleared; the facts themselves (app, category, action, time) stay for the
 * counts. The only change the table admits. For the privacy module's erasure of a person.
 */
export async function clearPlatformEventMetadata(tx: Tx, tenantId: string, canonicalIds: string[]): Promise<number> {
  const { numAffectedRows } = await sql`update platform_events set metadata = '{}'::jsonb
    where tenant_id = ${tenantId} and canonical_id = any(${canonicalIds}::uuid[]) and metadata <> '{}'::jsonb`.execute(tx);
  return Number(numAffectedRows ?? 0);
}
