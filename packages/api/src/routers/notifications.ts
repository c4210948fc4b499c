import type { Tx } from '@crm/db';
import { notifications as domain, iso } from '@crm/domain';
import type { z } from 'zod';
import * as c from '../contracts/notifications.ts';
import { mailRouteOf } from '../mail/route.ts';
import { mutation, query, router } from '../trpc.ts';
import type { AuthedContext } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// One's own notifications (documents 001 and 000). Every use case reads and writes the caller's
// own rows and streams only.

const sources = () => domain.notificationSources;

export const notificationDto = (n: domain.Notification): z.output<typeof c.Notification> => ({
  id: n.id,
  eventKey: n.event_key,
  module: n.module,
  title: n.title,
  body: n.body,
  link: n.link,
  variables: n.variables,
  read: n.read_at !== null,
  readAt: iso(n.read_at),
  dismissedAt: iso(n.dismissed_at),
  emailState: n.email_state,
  createdAt: iso(n.created_at)!,
  cursor: String(n.seq),
});

const entryDto = (e: domain.CatalogueEntry): z.output<typeof c.CatalogueEvent> => ({
  eventKey: e.source.key,
  module: e.source.module,
  label: e.source.label,
  description: e.source.description,
  enabled: e.enabled,
  defaultChannels: { ...e.source.defaultChannels },
  channels: e.channels,
  overridden: e.overridden,
});

const ruleDto = (e: domain.CatalogueEntry): z.output<typeof c.Rule> => ({
  ruleType: 'event',
  ruleId: e.source.key,
  module: e.source.module,
  name: e.source.label,
  description: e.source.description,
  enabled: e.enabled,
  channels: e.channels,
});

const dndDto = (dnd: domain.Dnd, now: Date): z.output<typeof c.DndView> => {
  const endsAt = domain.dndEndsAt(dnd, now);
  return { ...dnd, activeNow: endsAt !== null, endsAt: iso(endsAt) };
};

const who = (ctx: AuthedContext) => [ctx.principal.tenantId, ctx.principal.userId] as const;

async function pageOf(tx: Tx, ctx: AuthedContext, f: domain.InboxFilter) {
  const [tenantId, userId] = who(ctx);
  const [{ rows, total }, unread] = await Promise.all([
    domain.listNotifications(tx, tenantId, userId, f),
    domain.unreadCount(tx, tenantId, userId),
  ]);
  return {
    notifications: rows.map(notificationDto),
    total,
    page: f.page,
    limit: f.limit,
    totalPages: Math.ceil(total / f.limit),
    unreadCount: unread,
  };
}

const entryOf = (prefs: domain.Preferences, key: string) => domain.catalogueEntry(sources().find((s) => s.key === key)!, prefs);

const preferencesRouter = router({
  catalog: query(c.preferences.catalog, ({ ctx }) =>
    runQuery(ctx, async (tx) => {
      const prefs = await domain.preferencesOf(tx, ...who(ctx));
      return { modules: domain.catalogue(sources(), prefs).map((m) => ({ module: m.module, events: m.entries.map(entryDto) })) };
    }),
  ),
  get: query(c.preferences.get, ({ ctx }) =>
    runQuery(ctx, async (tx) => {
      const prefs = await domain.preferencesOf(tx, ...who(ctx));
      const entries = domain.catalogue(sources(), prefs).flatMap((m) => m.entries);
      return { preferences: entries.map(entryDto), dnd: dndDto(prefs.dnd, ctx.services.clock.now()) };
    }),
  ),
  set: mutation(c.preferences.set, async ({ ctx, input }) => {
    const prefs = await runCommand(ctx, (cmd) => domain.setNotificationPreference(cmd, input));
    return entryDto(entryOf(prefs, input.eventKey));
  }),
  getDnd: query(c.preferences.getDnd, ({ ctx }) =>
    runQuery(ctx, async (tx) => dndDto((await domain.preferencesOf(tx, ...who(ctx))).dnd, ctx.services.clock.now())),
  ),
  setDnd: mutation(c.preferences.setDnd, async ({ ctx, input }) => {
    const prefs = await runCommand(ctx, (cmd) => domain.setDoNotDisturb(cmd, input));
    return dndDto(prefs.dnd, ctx.services.clock.now());
  }),
});

const CHANNEL_NAMES = { in_app: 'In-app', email: 'Email', slack: 'Slack', webhook: 'Webhook' } as const;
const unavailable = (channel: 'slack' | 'webhook'): z.output<typeof c.Channel> => ({
  channel,
  name: CHANNEL_NAMES[channel],
  available: false,
  configured: false,
  detail: `no ${CHANNEL_NAMES[channel]} integration exists on this platform`,
});

const rulesRouter = router({
  list: query(c.rules.list, ({ ctx }) =>
    runQuery(ctx, async (tx) => {
      const prefs = await domain.preferencesOf(tx, ...who(ctx));
      return { rules: domain.catalogue(sources(), prefs).flatMap((m) => m.entries.map(ruleDto)) };
    }),
  ),
  toggle: mutation(c.rules.toggle, async ({ ctx, input }) => {
    const prefs = await runCommand(ctx, (cmd) => domain.toggleNotificationRule(cmd, input.ruleType, input.ruleId));
    return ruleDto(entryOf(prefs, input.ruleId));
  }),
  channels: query(c.rules.channels, ({ ctx }) =>
    runQuery(ctx, async (tx) => {
      const route = await mailRouteOf(tx, ctx.services, ctx.principal.tenantId);
      const mailReady = route.source !== 'none' && route.target !== null;
      return {
        channels: [
          {
            channel: 'in_app',
            name: CHANNEL_NAMES.in_app,
            available: true,
            configured: true,
            detail: 'the inbox and the WebSocket /v1/ws/notifications',
          },
          {
            channel: 'email',
            name: CHANNEL_NAMES.email,
            available: true,
            configured: mailReady,
            detail: mailReady
              ? `sent through the ${route.source === 'tenant' ? 'tenant’s own' : 'server’s'} SMTP`
              : 'no SMTP is configured: notification mail waits in the outbox',
          },
          unavailable('slack'),
          unavailable('webhook'),
        ],
      };
    }),
  ),
});

export const notificationsRouter = router({
  list: query(c.notifications.list, ({ ctx, input }) =>
    runQuery(ctx, (tx) => pageOf(tx, ctx, { page: input.page, limit: input.limit, unreadOnly: input.unread })),
  ),
  history: query(c.notifications.history, ({ ctx, input }) =>
    runQuery(ctx, (tx) => pageOf(tx, ctx, { page: input.page, limit: input.limit, unreadOnly: false, withDismissed: true })),
  ),
  unreadCount: query(c.notifications.unreadCount, ({ ctx }) =>
    runQuery(ctx, async (tx) => ({ count: await domain.unreadCount(tx, ...who(ctx)) })),
  ),
  markRead: mutation(c.notifications.markRead, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      await domain.readNotification(cmd, input.id);
      return notificationDto((await domain.findNotification(cmd.tx, ...who(ctx), input.id))!);
    }),
  ),
  markAllRead: mutation(c.notifications.markAllRead, ({ ctx }) =>
    runCommand(ctx, async (cmd) => {
      await domain.readAllNotifications(cmd);
      return { unreadCount: await domain.unreadCount(cmd.tx, ...who(ctx)) };
    }),
  ),
  dismiss: mutation(c.notifications.dismiss, ({ ctx, input }) =>
    runCommand(ctx, async (cmd) => {
      await domain.dismissNotification(cmd, input.id);
      return { id: input.id, dismissed: true as const };
    }),
  ),
  preferences: preferencesRouter,
  rules: rulesRouter,
});
