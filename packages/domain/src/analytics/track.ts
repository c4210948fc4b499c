import { sql } from 'kysely';
import type { CommandContext } from '../shared/command.ts';
import './tables.ts';

// Usage tracking is a stream of facts, not aggregate state: nothing decides on it, so it goes to
// an append-only table (one INSERT), not through the event store (see platform events).

export interface NewUsageEvent {
  eventType: string;
  page: string;
  properties: Record<string, unknown>;
}

/** The session a usage event names in its properties (`session_id` or `sessionId`), if any. */
export function sessionIdOf(properties: Record<string, unknown>): string | null {
  const s = properties.session_id ?? properties.sessionId;
  return typeof s === 'string' && s.length > 0 ? s.slice(0, 200) : typeof s === 'number' ? String(s) : null;
}

export async function trackUsage(ctx: CommandContext, e: NewUsageEvent): Promise<{ id: string; occurred_at: Date }> {
  const { rows } = await sql<{ id: string; occurred_at: Date }>`insert into analytics_events
      (tenant_id, event_type, page, session_id, user_id, properties, occurred_at)
    values (${ctx.tenantId}, ${e.eventType}, ${e.page}, ${sessionIdOf(e.properties)}, ${ctx.userId}, ${JSON.stringify(e.properties)}::jsonb, ${ctx.clock.now()})
    returning id::text as id, occurred_at`.execute(ctx.tx);
  return rows[0]!;
}
