import type { Tx } from '@crm/db';
import type { Projection, StoredEvent } from '@crm/eventstore';
import { sql } from 'kysely';
import { InboxEvent } from './events.ts';
import { channelsFor, DEFAULT_PREFERENCES, dndEndsAt, isMuted, type Preferences } from './preferences.ts';
import { inboxStateProjection } from './projection.ts';
import { preferencesFromRow } from './queries.ts';
import { type InApp, type InAppRenderer, notificationId } from './render.ts';
import type { Firing, NotificationSource } from './source.ts';
import type { NewNotification, NotificationPreferencesTable } from './tables.ts';
import { overrideOf } from './templates/queries.ts';
import type { NotificationTemplateOverridesTable } from './templates/tables.ts';
import { effectiveTemplate, renderInAppWith } from './templates/render.ts';

// The notification engine: an async projection over the log (run by an AsyncProjectionRunner,
// which stores its checkpoint in the transaction that writes the rows). For each event, the
// sources that name its type say who is told; each recipient gets one row, unless they are not
// an active user of the tenant or have muted the rule. The user's own read-state events are
// applied again here in log order (see inboxStateProjection).
//
// A batch is applied in three steps, so that what it reads per recipient costs one query per batch,
// not one per recipient: every event's sources fire (they read the read models, never the rows this
// engine writes); then the recipients' status, preferences and template overrides are read, each
// in one query for the whole batch; then the rows are written in log order, one insert per run of
// events between two read-state events, each of which is applied in its turn.

/** Renders a batch's notifications: each (tenant, source) the batch may render is given up front. */
export type InAppTemplates = (
  tx: Tx,
  wanted: readonly { tenantId: string; source: NotificationSource }[],
) => Promise<(tenantId: string, source: NotificationSource, variables: Record<string, string>) => InApp | Promise<InApp>>;

/** The source's system template (no query). */
export const systemInAppTemplates: InAppTemplates = async () => (_tenantId, source, variables) =>
  renderInAppWith(source.template, variables);

/** The tenants' own templates where they have overridden them: every override the batch uses, in one query. */
export const tenantInAppTemplates: InAppTemplates = async (tx, wanted) => {
  const pairs = unique(wanted.map((w) => [w.tenantId, w.source.key] as const));
  const { rows } =
    pairs.length === 0
      ? { rows: [] }
      : await sql<NotificationTemplateOverridesTable>`select o.* from notification_template_overrides o
          join unnest(${pairs.map((p) => p[0])}::uuid[], ${pairs.map((p) => p[1])}::text[]) as w(tenant_id, template_key)
            on o.tenant_id = w.tenant_id and o.template_key = w.template_key`.execute(tx);
  const overrides = new Map(rows.map((r) => [pairKey(r.tenant_id, r.template_key), overrideOf(r)]));
  return (tenantId, source, variables) =>
    renderInAppWith(effectiveTemplate(source, overrides.get(pairKey(tenantId, source.key)) ?? null), variables);
};

const pairKey = (tenantId: string, second: string | number) => `${tenantId}:${second}`;

/** The (tenant, x) pairs once each. */
function unique<T extends string | number>(pairs: readonly (readonly [string, T])[]): (readonly [string, T])[] {
  const seen = new Map<string, readonly [string, T]>();
  for (const p of pairs) seen.set(pairKey(p[0], p[1]), p);
  return [...seen.values()];
}

/** Of these (tenant, user) pairs, the active users of their tenant. */
async function activeUsers(tx: Tx, pairs: readonly (readonly [string, number])[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const { rows } = await sql<{ tenant_id: string; id: number }>`select u.tenant_id, u.id from users u
    join unnest(${pairs.map((p) => p[0])}::uuid[], ${pairs.map((p) => p[1])}::int[]) as w(tenant_id, user_id)
      on u.tenant_id = w.tenant_id and u.id = w.user_id
    where u.status = 'active'`.execute(tx);
  return new Set(rows.map((r) => pairKey(r.tenant_id, r.id)));
}

/** The preferences of these (tenant, user) pairs; a user who never set any has the defaults. */
async function preferencesOfMany(tx: Tx, pairs: readonly (readonly [string, number])[]): Promise<Map<string, Preferences>> {
  if (pairs.length === 0) return new Map();
  const { rows } = await sql<NotificationPreferencesTable>`select p.* from notification_preferences p
    join unnest(${pairs.map((p) => p[0])}::uuid[], ${pairs.map((p) => p[1])}::int[]) as w(tenant_id, user_id)
      on p.tenant_id = w.tenant_id and p.user_id = w.user_id`.execute(tx);
  return new Map(rows.map((r) => [pairKey(r.tenant_id, r.user_id), preferencesFromRow(r)]));
}

export interface EngineOptions {
  sources: readonly NotificationSource[];
  /** The batch's templates (the runner gives tenantInAppTemplates); without it, renderInApp or the system's. */
  inAppTemplates?: InAppTemplates;
  /** Renders one notification at a time (a query per recipient if it reads anything): prefer inAppTemplates. */
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

export function notificationEngine(options: EngineOptions): Projection {
  const templates: InAppTemplates =
    options.inAppTemplates ??
    (options.renderInApp
      ? async (tx) => (tenantId, source, variables) => options.renderInApp!(tx, tenantId, source, variables)
      : systemInAppTemplates);
  const now = options.now ?? (() => new Date());
  const staleAfter = options.emailStaleAfterMs ?? DAY;
  const byType = new Map<string, NotificationSource[]>();
  for (const s of options.sources) for (const t of s.eventTypes) byType.set(t, [...(byType.get(t) ?? []), s]);
  const readState = new Set<string>(Object.values(InboxEvent));

  /** An event's firings, source by source, in the sources' order. */
  type Fired = { event: StoredEvent; firings: { source: NotificationSource; firing: Firing }[] };

  async function fire(tx: Tx, e: StoredEvent): Promise<Fired> {
    const firings: Fired['firings'] = [];
    for (const source of byType.get(e.type) ?? []) for (const firing of await source.fire(tx, e)) firings.push({ source, firing });
    return { event: e, firings };
  }

  return {
    name: 'notifications.engine',
    tables: ['notifications'],
    handles: [...new Set([...byType.keys(), ...readState])],
    async apply(tx, events) {
      // 1. Who each event tells (the sources read the read models, not these rows).
      const steps: (Fired | StoredEvent)[] = [];
      for (const e of events) steps.push(readState.has(e.type) ? e : await fire(tx, e));

      // 2. What the batch needs to know of its recipients, one query each.
      const told = steps.flatMap((s) => ('firings' in s ? s.firings.map((f) => ({ tenantId: s.event.tenantId, ...f })) : []));
      const recipients = unique(told.map((f) => [f.tenantId, f.firing.userId] as const));
      const active = await activeUsers(tx, recipients);
      const prefs = await preferencesOfMany(
        tx,
        recipients.filter(([t, u]) => active.has(pairKey(t, u))),
      );
      const preferencesOf = (tenantId: string, userId: number) => prefs.get(pairKey(tenantId, userId)) ?? DEFAULT_PREFERENCES;
      const wanted = told.filter(
        (f) => active.has(pairKey(f.tenantId, f.firing.userId)) && !isMuted(f.source, preferencesOf(f.tenantId, f.firing.userId)),
      );
      const render = await templates(tx, wanted);

      // 3. The rows, in log order; a read-state event applies after the rows of the events before it.
      let rows: NewNotification[] = [];
      const flush = async () => {
        if (rows.length === 0) return;
        const batch = rows;
        rows = [];
        // A row already there (a replay over live rows) keeps its read state and its email leg. The
        // rows take their seqs in log order (the WebSocket feed's order), hence the ordinality.
        await sql`insert into notifications (${sql.raw(COLUMNS)}) select ${sql.raw(COLUMNS)}
          from jsonb_populate_recordset(null::notifications, ${JSON.stringify(batch)}::jsonb) with ordinality
          order by ordinality
          on conflict (id) do nothing`.execute(tx);
        for (const r of batch) options.onRow?.(r.tenant_id, r.user_id);
      };
      for (const step of steps) {
        if (!('firings' in step)) {
          await flush();
          await inboxStateProjection.apply(tx, [step]);
          continue;
        }
        const e = step.event;
        const fresh = now().getTime() - e.occurredAt.getTime() < staleAfter;
        for (const { source, firing: f } of step.firings) {
          if (!active.has(pairKey(e.tenantId, f.userId))) continue;
          const prefs = preferencesOf(e.tenantId, f.userId);
          if (isMuted(source, prefs)) continue;
          const channels = channelsFor(source, prefs);
          if (!channels.in_app && !channels.email) continue;
          const { title, body } = await render(e.tenantId, source, f.variables);
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
      await flush();
    },
  };
}
