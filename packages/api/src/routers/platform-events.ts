import { platformEvents as domain, iso, registry } from '@crm/domain';
import type { Tx } from '@crm/db';
import type { z } from 'zod';
import * as c from '../contracts/platform-events.ts';
import { mutation, query, router } from '../trpc.ts';
import { runCommand, runQuery } from '../unit-of-work.ts';

// Document 001's platform events: written in one statement per batch, read per canonical entity
// (with the entities merged into it).

export const eventDto = (e: domain.PlatformEventsTable): z.output<typeof c.PlatformEvent> => ({
  id: String(e.id),
  canonicalId: e.canonical_id,
  app: e.app,
  category: e.category,
  action: e.action,
  metadata: (e.metadata ?? {}) as Record<string, unknown>,
  occurredAt: new Date(e.occurred_at).toISOString(),
  recordedAt: new Date(e.recorded_at).toISOString(),
  actorUserId: e.actor_user_id,
});

/** The entity's lineage, or 404 when the id names no person or company of the tenant. */
export async function lineage(tx: Tx, tenantId: string, canonicalId: string): Promise<string[]> {
  const found = await registry.findCanonical(tx, tenantId, canonicalId);
  if (!found) throw registry.canonicalNotFound(canonicalId);
  return registry.lineageOf(tx, tenantId, canonicalId);
}

type Filters = Pick<z.output<typeof c.platformEvents.list.input>, 'app' | 'category' | 'action' | 'from' | 'to' | 'page' | 'limit'>;

/** A page of the lineage's events, newest first (also the registry's timeline). */
export async function eventPage(tx: Tx, tenantId: string, canonicalId: string, f: Filters): Promise<z.output<typeof c.PlatformEventPage>> {
  const ids = await lineage(tx, tenantId, canonicalId);
  const { rows, total } = await domain.listPlatformEvents(
    tx,
    tenantId,
    ids,
    {
      app: f.app,
      category: f.category,
      action: f.action,
      from: f.from ? new Date(f.from) : undefined,
      to: f.to ? new Date(f.to) : undefined,
    },
    f.page,
    f.limit,
  );
  return { events: rows.map(eventDto), total, page: f.page, limit: f.limit, totalPages: Math.ceil(total / f.limit) };
}

const earlier = (x: Date, y: Date) => (x.getTime() <= y.getTime() ? x : y);
const later = (x: Date, y: Date) => (x.getTime() >= y.getTime() ? x : y);

/** The KPIs of the lineage's events (the summary route and the registry's profile). */
export async function eventKpis(tx: Tx, tenantId: string, ids: string[], now: Date): Promise<z.output<typeof c.EventKpis>> {
  const [counts, days, windows] = await Promise.all([
    domain.platformEventCounts(tx, tenantId, ids),
    domain.activeDays(tx, tenantId, ids),
    domain.windowCounts(tx, tenantId, ids, now, [7, 30]),
  ]);
  const byApp = new Map<string, { count: number; first: Date; last: Date }>();
  const byCategory = new Map<string, number>();
  let first: Date | null = null;
  let last: Date | null = null;
  for (const r of counts) {
    const a = byApp.get(r.app);
    byApp.set(r.app, a ? { count: a.count + r.count, first: earlier(a.first, r.first), last: later(a.last, r.last) } : { ...r });
    byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + r.count);
    first = first ? earlier(first, r.first) : r.first;
    last = last ? later(last, r.last) : r.last;
  }
  const sum = (i: number) => windows.rows.reduce((n, r) => n + r.counts[i]!, 0);
  const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  return {
    totalEvents: counts.reduce((n, r) => n + r.count, 0),
    firstSeen: first ? iso(first) : null,
    lastSeen: last ? iso(last) : null,
    activeDays: days,
    appCount: byApp.size,
    last7Days: sum(0),
    last30Days: sum(1),
    byApp: [...byApp]
      .map(([app, a]) => ({ app, count: a.count, firstSeen: iso(a.first), lastSeen: iso(a.last) }))
      .sort((x, y) => byCount(x, y) || x.app.localeCompare(y.app)),
    byCategory: [...byCategory]
      .map(([category, count]) => ({ category, count }))
      .sort((x, y) => byCount(x, y) || x.category.localeCompare(y.category)),
    topActions: counts
      .map(({ app, category, action, count }) => ({ app, category, action, count }))
      .sort((x, y) => byCount(x, y) || `${x.app}/${x.action}`.localeCompare(`${y.app}/${y.action}`))
      .slice(0, 10),
  };
}

const WINDOWS = [30, 90, 365] as const;

type NewEvent = z.output<typeof c.NewPlatformEvent>;
const toDomain = (e: NewEvent): domain.NewPlatformEvent => ({
  canonicalId: e.canonicalId,
  app: e.app,
  category: e.category,
  action: e.action,
  metadata: e.metadata,
  occurredAt: e.occurredAt ? new Date(e.occurredAt) : undefined,
});

export const platformEventsRouter = router({
  write: mutation(c.platformEvents.write, async ({ ctx, input }) => {
    const [written] = await runCommand(ctx, (cmd) => domain.writePlatformEvents(cmd, [toDomain(input)]));
    return {
      id: String(written!.id),
      canonicalId: input.canonicalId,
      app: input.app,
      category: input.category,
      action: input.action,
      metadata: input.metadata,
      occurredAt: new Date(written!.occurred_at).toISOString(),
      recordedAt: new Date(written!.recorded_at).toISOString(),
      actorUserId: ctx.principal.userId ?? null,
    };
  }),
  batch: mutation(c.platformEvents.batch, async ({ ctx, input }) => {
    const written = await runCommand(ctx, (cmd) => domain.writePlatformEvents(cmd, input.events.map(toDomain)));
    return { written: written.length, ids: written.map((w) => String(w.id)) };
  }),
  list: query(c.platformEvents.list, async ({ ctx, input }) =>
    runQuery(ctx, (tx) => eventPage(tx, ctx.principal.tenantId, input.canonicalId, input)),
  ),
  summary: query(c.platformEvents.summary, async ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const ids = await lineage(tx, ctx.principal.tenantId, input.canonicalId);
      return { canonicalId: input.canonicalId, ...(await eventKpis(tx, ctx.principal.tenantId, ids, ctx.services.clock.now())) };
    }),
  ),
  activitySummary: query(c.platformEvents.activitySummary, async ({ ctx, input }) =>
    runQuery(ctx, async (tx) => {
      const ids = await lineage(tx, ctx.principal.tenantId, input.canonicalId);
      const now = ctx.services.clock.now();
      const { since, rows } = await domain.windowCounts(tx, ctx.principal.tenantId, ids, now, WINDOWS);
      const windows = WINDOWS.map((days, i) => {
        const cells = rows.map((r) => ({ app: r.app, category: r.category, count: r.counts[i]! })).filter((r) => r.count > 0);
        const fold = (key: (r: (typeof cells)[number]) => string) => {
          const m = new Map<string, number>();
          for (const r of cells) m.set(key(r), (m.get(key(r)) ?? 0) + r.count);
          return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
        };
        return {
          days,
          since: since[i]!.toISOString(),
          total: cells.reduce((n, r) => n + r.count, 0),
          byApp: fold((r) => r.app).map(([app, count]) => ({ app, count })),
          byCategory: fold((r) => r.category).map(([category, count]) => ({ category, count })),
          byAppCategory: cells.sort((a, b) => b.count - a.count || a.app.localeCompare(b.app) || a.category.localeCompare(b.category)),
        };
      });
      return { canonicalId: input.canonicalId, asOf: now.toISOString(), windows };
    }),
  ),
});
