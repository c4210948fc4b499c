import { notificationAnalytics as analytics, notificationDigest as digest, notifications } from '@crm/domain';
import type { z } from 'zod';
import * as c from '../contracts/notification-analytics.ts';
import { type AuthedContext, mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Notification delivery analytics, digest statistics and digest settings (document 001). Every
// member sees the figures of their own notifications; `notifications.manage` sees the tenant's.

const DAY = 86_400_000;

function scopeOf(ctx: AuthedContext): { scope: 'user' | 'tenant'; of: analytics.AnalyticsScope } {
  const tenantWide = ctx.principal.permissions.has('notifications.manage');
  return {
    scope: tenantWide ? 'tenant' : 'user',
    of: { tenantId: ctx.principal.tenantId, userId: tenantWide ? null : ctx.principal.userId },
  };
}

const rate = (read: number, created: number) => (created === 0 ? 0 : Math.round((read / created) * 1000) / 1000);
const inApp = (n: analytics.InAppCounts) => ({ ...n, readRate: rate(n.read, n.created) });

/** Field by field, the sum of counts of one shape. */
function sum<T extends { [K in keyof T]: number }>(rows: readonly T[], empty: T): T {
  const total: Record<string, number> = { ...empty };
  for (const r of rows) for (const [k, v] of Object.entries(r) as [string, number][]) total[k] = (total[k] ?? 0) + v;
  return total as T;
}

const NO_IN_APP: analytics.InAppCounts = { created: 0, read: 0, dismissed: 0 };
const NO_EMAIL: analytics.EmailCounts = { queued: 0, sent: 0, failed: 0, waiting: 0, digested: 0, scheduled: 0, skipped: 0 };

function settingsDto(v: digest.DigestSettingsView, now: Date): z.output<typeof c.DigestSettings> {
  return {
    ...v.settings,
    nextDigestAt: digest.nextSlot(v.settings, now)?.at.toISOString() ?? null,
    updatedAt: v.updatedAt ? new Date(v.updatedAt).toISOString() : null,
  };
}

export const notificationAnalyticsRouter = router({
  overview: query(c.overview, async ({ ctx, input }) => {
    const days = input?.days ?? 30;
    const now = ctx.services.clock.now();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const since = new Date(today - (days - 1) * DAY);
    const { scope, of } = scopeOf(ctx);
    const [byEvent, trend] = await runQuery(ctx, (tx) =>
      Promise.all([analytics.countsByEvent(tx, of, since), analytics.dailyTrend(tx, of, since, now)]),
    );
    const labels = new Map(notifications.notificationSources.map((s) => [s.key, s.label]));
    const app = sum(
      byEvent.map((e) => e.inApp),
      NO_IN_APP,
    );
    const email = sum(
      byEvent.map((e) => e.email),
      NO_EMAIL,
    );
    return {
      scope,
      days,
      since: since.toISOString(),
      totals: {
        notifications: app.created,
        read: app.read,
        dismissed: app.dismissed,
        readRate: rate(app.read, app.created),
        emailsQueued: email.queued,
        emailsSent: email.sent,
        emailsFailed: email.failed,
        digested: email.digested,
      },
      channels: { inApp: inApp(app), email },
      byEvent: byEvent.map((e) => ({ ...e, label: labels.get(e.eventKey) ?? null, inApp: inApp(e.inApp) })),
      dailyTrend: trend,
    };
  }),
  digest: query(c.digest, async ({ ctx }) => {
    const { scope, of } = scopeOf(ctx);
    const s = await runQuery(ctx, (tx) => analytics.digestStats(tx, of));
    return {
      scope,
      digestsSent: s.digestsSent,
      itemsSent: s.itemsSent,
      averageItems: s.digestsSent === 0 ? 0 : Math.round((s.itemsSent / s.digestsSent) * 100) / 100,
      maxItems: s.maxItems,
      lastSentAt: s.lastSentAt?.toISOString() ?? null,
      byFrequency: s.byFrequency,
      pendingItems: s.pendingItems,
      recent: s.recent.map((r) => ({
        ...r,
        frequency: r.frequency as 'daily' | 'weekly',
        sentAt: new Date(r.sentAt).toISOString(),
      })),
    };
  }),
  digestSettings: router({
    get: query(c.digestSettings.get, async ({ ctx }) => {
      const v = await runQuery(ctx, (tx) => digest.getDigestSettings(tx, ctx.principal.tenantId, ctx.principal.userId));
      return settingsDto(v, ctx.services.clock.now());
    }),
    update: mutation(c.digestSettings.update, async ({ ctx, input }) => {
      const v = await runCommand(ctx, (cmd) => digest.updateDigestSettings(cmd, ctx.principal.userId, input));
      return settingsDto(v, ctx.services.clock.now());
    }),
  }),
});
