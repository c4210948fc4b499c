import type { Tx } from '@crm/db';
import type { EventMetadata, EventStore, NewEvent, StreamRef } from '@crm/eventstore';
import { sql } from 'kysely';
import type { Clock } from './clock.ts';

/** What a command handler needs besides its input: the open tenant transaction and who is acting. */
export interface CommandContext {
  tx: Tx;
  store: EventStore;
  tenantId: string;
  /** Integer user id of the actor, or null for API keys without a user and for the system. */
  userId: number | null;
  metadata: EventMetadata;
  clock: Clock;
}

/**
 * Appends what a command decided to one stream, in the command's transaction, as its actor.
 * `readAt` is the stream version the command decided from (a read model's `version` column, or
 * the stream's own): 0 means the stream must not exist yet. Either way a concurrent append to the
 * same stream makes this one fail instead of both succeeding. No events: nothing is appended.
 */
export async function appendDecided(ctx: CommandContext, stream: StreamRef, readAt: number | string, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const version = Number(readAt);
  await ctx.store.append(ctx.tx, ctx.tenantId, stream, version === 0 ? 'no_stream' : version, events, ctx.metadata);
}

/**
 * Appends facts that need no version check (they decide nothing from the stream's state: a
 * password changed, sessions revoked), in the command's transaction, as its actor.
 */
export async function appendFacts(ctx: CommandContext, stream: StreamRef, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await ctx.store.append(ctx.tx, ctx.tenantId, stream, 'any', events, ctx.metadata);
}

/**
 * Holds a transaction-scoped lock on one value of one unique key of the tenant, so two writers
 * claiming the same name queue and the second sees the first's row instead of a unique violation.
 */
export async function lockKey(ctx: CommandContext, key: string, value: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${ctx.tenantId}:${key}:${value}`}, 0))`.execute(ctx.tx);
}
