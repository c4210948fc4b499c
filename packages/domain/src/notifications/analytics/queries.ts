import type { Executor } from '@crm/db';
import { sql } from 'kysely';
import '../tables.ts';
import '../digest/tables.ts';

// Delivery analytics of notifications (document 001, /api/v1/notifications/analytics): counts
// over the inbox rows and their email legs, the email's fate read from the mail outbox by mail_id.
// The relay deletes sent mail after its retention period, so a queued leg whose mail is gone was
// sent (only sent mail is deleted).

/** Whose notifications: one user's, or the whole tenant's (userId null). */
export interface AnalyticsScope {
  tenantId: string;
  userId: number | null;
}

export interface InAppCounts {
  created: number;
  read: number;
  dismissed: number;
}
export interface EmailCounts {
  /** Handed to the mail outbox on their own. */
  queued: number;
  sent: number;
  failed: number;
  /** In the outbox, not sent yet. */
  waiting: number;
  /** Went out inside a digest. */
  digested: number;
  /** Waiting for the worker, a Do Not Disturb window's end, or the next digest. */
  scheduled: number;
  /** Not sent: the recipient was deactivated. */
  skipped: number;
}
export interface EventCounts {
  eventKey: string;
  module: string;
  inApp: InAppCounts;
  email: EmailCounts;
}
export interface DayCounts {
  date: string;
  created: number;
  read: number;
  emailed: number;
}

const whose = (s: AnalyticsScope) => sql`n.tenant_id = ${s.tenantId} ${s.userId === null ? sql`` : sql`and n.user_id = ${s.userId}`}`;

type CountRow = { event_key: string; module: string } & Record<string, string>;

/** Counts per event key since a time, each with its in-app and email figures. */
export async function countsByEvent(db: Executor, scope: AnalyticsScope, since: Date): Promise<EventCounts[]> {
  const { rows } = await sql<CountRow>`
    select n.event_key, n.module,
      count(*)::text as created,
      count(n.read_at)::text as read,
      count(n.dismissed_at)::text as dismissed,
      count(*) filter (where n.email_state = 'queued')::text as queued,
      count(*) filter (where n.email_state = 'queued' and coalesce(m.status, 'sent') = 'sent')::text as sent,
      count(*) filter (where n.email_state = 'queued' and m.status = 'failed')::text as failed,
      count(*) filter (where n.email_state = 'queued' and m.status = 'pending')::text as waiting,
      count(*) filter (where n.email_state = 'digested')::text as digested,
      count(*) filter (where n.email_state in ('pending', 'held', 'digest'))::text as scheduled,
      count(*) filter (where n.email_state = 'skipped')::text as skipped
    from notifications n
    left join mail_outbox m on m.tenant_id = n.tenant_id and m.id = n.mail_id
    where ${whose(scope)} and n.created_at >= ${since}
    group by n.event_key, n.module
    order by count(*) desc, n.event_key`.execute(db);
  const n = (r: CountRow, k: string) => Number(r[k] ?? 0);
  return rows.map((r) => ({
    eventKey: r.event_key,
    module: r.module,
    inApp: { created: n(r, 'created'), read: n(r, 'read'), dismissed: n(r, 'dismissed') },
    email: {
      queued: n(r, 'queued'),
      sent: n(r, 'sent'),
      failed: n(r, 'failed'),
      waiting: n(r, 'waiting'),
      digested: n(r, 'digested'),
      scheduled: n(r, 'scheduled'),
      skipped: n(r, 'skipped'),
    },
  }));
}

/** Per UTC day from `since`'s day to `now`'s, every day present (zeros included). */
export async function dailyTrend(db: Executor, scope: AnalyticsScope, since: Date, now: Date): Promise<DayCounts[]> {
  const { rows } = await sql<{ day: string; created: string; read: string; emailed: string }>`
    select to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD') as day,
      count(*)::text as created,
      count(n.read_at)::text as read,
      count(*) filter (where n.email_state in ('queued', 'digested'))::text as emailed
    from notifications n
    where ${whose(scope)} and n.created_at >= ${since}
    group by 1`.execute(db);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const days: DayCounts[] = [];
  const start = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate());
  for (let t = start; t <= now.getTime(); t += 86_400_000) {
    const date = new Date(t).toISOString().slice(0, 10);
    const r = byDay.get(date);
    days.push({ date, created: Number(r?.created ?? 0), read: Number(r?.read ?? 0), emailed: Number(r?.emailed ?? 0) });
  }
  return days;
}

export interface DigestStats {
  digestsSent: number;
  itemsSent: number;
  maxItems: number;
  lastSentAt: Date | null;
  byFrequency: { daily: number; weekly: number };
  /** Notifications waiting for the next digest. */
  pendingItems: number;
  recent: { id: string; userId: number; period: string; frequency: string; itemCount: number; sentAt: Date }[];
}

/** Digests sent (all time), their sizes, the last one, and what waits for the next. */
export async function digestStats(db: Executor, scope: AnalyticsScope): Promise<DigestStats> {
  let sent = db.selectFrom('notification_digests as n').where('n.tenant_id', '=', scope.tenantId);
  if (scope.userId !== null) sent = sent.where('n.user_id', '=', scope.userId);
  const [totals, recent, pending] = await Promise.all([
    sent
      .select([
        sql<string>`count(*)::text`.as('digests'),
        sql<string>`coalesce(sum(n.item_count), 0)::text`.as('items'),
        sql<string>`coalesce(max(n.item_count), 0)::text`.as('max_items'),
        sql<Date | null>`max(n.sent_at)`.as('last_sent_at'),
        sql<string>`count(*) filter (where n.frequency = 'daily')::text`.as('daily'),
        sql<string>`count(*) filter (where n.frequency = 'weekly')::text`.as('weekly'),
      ])
      .executeTakeFirstOrThrow(),
    sent.selectAll().orderBy('n.sent_at', 'desc').orderBy('n.id').limit(10).execute(),
    sql<{ n: string }>`select count(*)::text as n from notifications n where ${whose(scope)} and n.email_state = 'digest'`.execute(db),
  ]);
  return {
    digestsSent: Number(totals.digests),
    itemsSent: Number(totals.items),
    maxItems: Number(totals.max_items),
    lastSentAt: totals.last_sent_at ? new Date(totals.last_sent_at) : null,
    byFrequency: { daily: Number(totals.daily), weekly: Number(totals.weekly) },
    pendingItems: Number(pending.rows[0]?.n ?? 0),
    recent: recent.map((r) => ({
      id: r.id,
      userId: r.user_id,
      period: r.period,
      frequency: r.frequency,
      itemCount: r.item_count,
      sentAt: r.sent_at,
    })),
  };
}
