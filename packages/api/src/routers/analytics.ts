import { analytics as domain } from '@crm/domain';
import * as c from '../contracts/analytics.ts';
import { mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Document 000's usage analytics: facts in an append-only table, and the 30-day traffic rollup.

export const analyticsRouter = router({
  track: mutation(c.analytics.track, async ({ ctx, input }) => {
    const written = await runCommand(ctx, (cmd) => domain.trackUsage(cmd, input));
    return {
      id: written.id,
      eventType: input.eventType,
      page: input.page,
      sessionId: domain.sessionIdOf(input.properties),
      occurredAt: new Date(written.occurred_at).toISOString(),
    };
  }),
  traffic: query(c.analytics.traffic, async ({ ctx }) => {
    const t = await runQuery(ctx, (tx) => domain.traffic(tx, ctx.principal.tenantId, ctx.services.clock.now()));
    return {
      since: t.since.toISOString(),
      until: t.until.toISOString(),
      totals: {
        events: t.totals.events,
        pageViews: t.totals.page_views,
        sessions: t.totals.sessions,
        uniqueUsers: t.totals.unique_users,
        conversions: t.totals.conversions,
      },
      topPages: t.top_pages.map((p) => ({ page: p.page, views: p.views, uniqueUsers: p.unique_users })),
      conversionEvents: t.conversion_events.map((e) => ({ eventType: e.event_type, count: e.count })),
      daily: t.daily.map((d) => ({ date: d.date, pageViews: d.page_views, sessions: d.sessions, conversions: d.conversions })),
    };
  }),
});
