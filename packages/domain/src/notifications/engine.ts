import type { Tx } from '@crm/db';
import type { Projection, StoredEvent } from '@crm/eventstore';
import { sql } from 'kysely';
import { InboxEvent } from './events.ts';
import { channelsFor, dndEndsAt, isMuted, type Preferences } from './preferences.ts';
import { inboxStateProjection } from './projection.ts';
import { preferencesOf } from './queries.ts';
import { type InAppRenderer, notificationId, systemInApp } from './render.ts';
import type { NotificationSource } from './source.ts';
import type { NewNotification } from './tables.ts';

// The notification engine: an async projection over the log (run by an AsyncProjectionRunner,
// which stores its checkpoint in the transaction that writes the rows). For each event, the
// sources that name its type say who is told; each recipient gets one row, unless they are not
// an active user of the tenant or have muted the rule. The user's own read-state events are
// applied again here in log order (see inboxStateProjection).

export interface EngineOptions {
  sources: readonly NotificationSource[];
  renderInApp?: InAppRenderer;
  /** Events older than this when the engine first sees them (a backlog, a replay) get no email leg. */
  emailStaleAfterMs?: number;
  now?: () => Date;
  /** Told of each recipient a row is written for, inside the batch's transaction (it may yet roll back). */
  onRow?: (tenantId: string, userId: number) => void;
}

const DAY = 24 * 60 * 60 * 1000;

const COLUMNS = [
  'tenant_id',
  'id',
  'user_id',
  'event_key',
  'module',
  'title',
  'body',
  'link',
  'variables',
  'source_position',
  'source_event_id',
  'created_at',
  'read_at',
  'dismissed_at',
  'email_state',
  'held_until',
  'mail_id',
  'email_updated_at',
].join(', ');

/** The email leg of a new row: none, pending, or held until the recipient's Do Not Disturb ends. */
export function emailLeg(wanted: boolean, prefs: Preferences, at: Date): Pick<NewNotification, 'email_state' | 'held_until'> {
  if (!wanted) return { email_state: 'none', held_until: null };
  const until = dndEndsAt(prefs.dnd, at);
  return until ? { email_state: 'held', held_until: until } : { email_state: 'pending', held_until: null };
}

/** The recipients who are active users of the event's tenant. */
async function activeUsers(tx: Tx, tenantId: string, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .where('status', '=', 'active')
    .execute();
  return new Set(rows.map((r) => r.id));
}

export function notificationEngine(options: EngineOptions): Projection {
  const render = options.renderInApp ?? systemInApp;
  const now = options.now ?? (() => new Date());
  const staleAfter = options.emailStaleAfterMs ?? DAY;
  const byType = new Map<string, NotificationSource[]>();
  for (const s of options.sources) for (const t of s.eventTypes) byType.set(t, [...(byType.get(t) ?? []), s]);
  const readState = new Set<string>(Object.values(InboxEvent));

  async function rowsFor(tx: Tx, e: StoredEvent): Promise<NewNotification[]> {
    const rows: NewNotification[] = [];
    const fresh = now().getTime() - e.occurredAt.getTime() < staleAfter;
    for (const source of byType.get(e.type) ?? []) {
      const firings = await source.fire(tx, e);
      const active = await activeUsers(
        tx,
        e.tenantId,
        firings.map((f) => f.userId),
      );
      for (const f of firings) {
        if (!active.has(f.userId)) continue;
        const prefs = await preferencesOf(tx, e.tenantId, f.userId);
        if (isMuted(source, prefs)) continue;
        const channels = channelsFor(source, prefs);
        if (!channels.in_app && !channels.email) continue;
        const { title, body } = await render(tx, e.tenantId, source, f.variables);
        rows.push({
          tenant_id: e.tenantId,
          id: notificationId(e.eventId, f.userId, source.key),
          user_id: f.userId,
          event_key: source.key,
          module: source.module,
          title,
          body,
          link: f.link ?? null,
          variables: f.variables,
          source_position: e.globalPosition,
          source_event_id: e.eventId,
          created_at: e.occurredAt,
          read_at: null,
          // Wanted by email only: the row carries the email leg, and is out of the inbox from the start.
          dismissed_at: channels.in_app ? null : e.occurredAt,
          ...emailLeg(channels.email && fresh, prefs, e.occurredAt),
          mail_id: null,
          email_updated_at: null,
        });
      }
    }
    return rows;
  }

  return {
    name: 'notifications.engine',
    tables: ['notifications'],
    handles: [...new Set([...byType.keys(), ...readState])],
    async apply(tx, events) {
      for (const e of events) {
        if (readState.has(e.type)) {
          await inboxStateProjection.apply(tx, [e]);
          continue;
        }
        const rows = await rowsFor(tx, e);
        if (rows.length === 0) continue;
        // A row already there (a replay over live rows) keeps its read state and its email leg.
        await sql`insert into notifications (${sql.raw(COLUMNS)}) select ${sql.raw(COLUMNS)}
          from jsonb_populate_recordset(null::notifications, ${JSON.stringify(rows)}::jsonb)
          on conflict (id) do nothing`.execute(tx);
        for (const r of rows) options.onRow?.(r.tenant_id, r.user_id);
      }
    },
  };
}
