import { inTenant } from '@crm/db';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

// Document 000's usage analytics: POST /v1/analytics/track (every plan, every role) into an
// append-only table, GET /v1/analytics/traffic (admin only) over the last 30 days. The clock is
// the tests' so events can be dated.

let nowMs = Date.now();
const clock = { now: () => new Date(nowMs) };
const t = await testApp({ clock });

const DAY = 86_400_000;
const MIN = 60_000;

async function track(a: { token: string }, body: Record<string, unknown>, at?: number) {
  if (at !== undefined) nowMs = at;
  const res = await t.request('POST', '/v1/analytics/track', { token: a.token, body });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const stored = (a: TestTenant) =>
  inTenant(t.handle.db, a.tenantId, (tx) => tx.selectFrom('analytics_events').selectAll().where('tenant_id', '=', a.tenantId).execute());

describe('usage tracking (document 000)', () => {
  it('records an event on every plan and for every role, and answers what it stored', async () => {
    const a = await t.registerTenant();
    await t.setPlan(a.tenantId, 'free');
    const viewer = await t.createUser(a, 'viewer');
    nowMs = Date.now();
    const res = await track(viewer, {
      event_type: 'Page_View',
      page: '/crm/deals',
      properties: { session_id: 's-1', ref: { from: 'nav' } },
    });
    expect(res).toEqual({
      id: expect.any(String),
      event_type: 'page_view',
      page: '/crm/deals',
      session_id: 's-1',
      occurred_at: new Date(nowMs).toISOString(),
    });
    await track(a, { event_type: 'signup', page: '/welcome' });
    const rows = await stored(a);
    expect(rows.map((r) => [r.event_type, r.page, r.session_id, r.user_id, r.properties])).toEqual([
      ['page_view', '/crm/deals', 's-1', viewer.userId, { session_id: 's-1', ref: { from: 'nav' } }],
      ['signup', '/welcome', null, a.userId, {}],
    ]);
  });

  it('refuses properties over 4 KiB or 5 levels deep, and other bad input, storing nothing', async () => {
    const a = await t.registerTenant();
    let deep: unknown = 'x';
    for (let i = 0; i < 6; i++) deep = { d: deep };
    for (const body of [
      { event_type: 'page_view', page: '/a', properties: { big: 'x'.repeat(4100) } },
      { event_type: 'page_view', page: '/a', properties: deep },
      { event_type: 'page_view', page: '/a', properties: ['not', 'an', 'object'] },
      { event_type: 'page view!', page: '/a' },
      { event_type: 'page_view', page: '' },
      { event_type: 'page_view', page: '/a\u0000' },
      { event_type: 'page_view', page: '/a', extra: 1 },
      { page: '/a' },
    ]) {
      const res = await t.request('POST', '/v1/analytics/track', { token: a.token, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect(await stored(a)).toEqual([]);
  });

  it('is append-only for the app: its role may not change or delete an event', async () => {
    const a = await t.registerTenant();
    await track(a, { event_type: 'page_view', page: '/a' });
    for (const statement of [sql`update analytics_events set page = '/b'`, sql`delete from analytics_events`]) {
      await expect(inTenant(t.handle.db, a.tenantId, (tx) => statement.execute(tx))).rejects.toThrow(/permission denied/);
    }
    expect((await stored(a)).map((r) => r.page)).toEqual(['/a']);
  });
});

describe('traffic (document 000)', () => {
  it('rolls up the last 30 days: page views, sessions, top pages, conversions, per day', async () => {
    const a = await t.registerTenant();
    const user = await t.createUser(a, 'user');
    const today = Date.UTC(2026, 11, 2, 12, 0, 0);
    // 31 days ago: outside the window.
    await track(a, { event_type: 'page_view', page: '/old' }, today - 31 * DAY);
    // Two days ago: one session named by the client, across two pages; and a conversion in it.
    const d2 = today - 2 * DAY;
    await track(a, { event_type: 'page_view', page: '/crm', properties: { session_id: 'abc' } }, d2);
    await track(a, { event_type: 'page_view', page: '/crm', properties: { session_id: 'abc' } }, d2 + 5 * MIN);
    await track(a, { event_type: 'page_view', page: '/reports', properties: { session_id: 'abc' } }, d2 + 90 * MIN);
    await track(a, { event_type: 'upgrade', page: '/billing', properties: { session_id: 'abc' } }, d2 + 91 * MIN);
    // Yesterday: a user without session ids: views 10 minutes apart are one session, after 40 minutes another.
    const d1 = today - DAY;
    await track(user, { event_type: 'page_view', page: '/crm' }, d1);
    await track(user, { event_type: 'page_view', page: '/settings' }, d1 + 10 * MIN);
    await track(user, { event_type: 'page_view', page: '/crm' }, d1 + 50 * MIN);
    await track(user, { event_type: 'button_click', page: '/crm', properties: { button: 'save' } }, d1 + 51 * MIN);
    await track(user, { event_type: 'conversion.demo_booked', page: '/crm' }, d1 + 52 * MIN);
    nowMs = today;

    const refused = await t.request('GET', '/v1/analytics/traffic', { token: user.token });
    expect(refused.status).toBe(403);
    expect(refused.body.details.permission).toBe('analytics.read');

    const res = await t.request('GET', '/v1/analytics/traffic', { token: a.token });
    expect(res.status).toBe(200);
    expect(res.body.until).toBe(new Date(today).toISOString());
    expect(res.body.since).toBe(new Date(Date.UTC(2026, 10, 3)).toISOString());
    expect(res.body.totals).toEqual({ events: 9, page_views: 6, sessions: 3, unique_users: 2, conversions: 2 });
    expect(res.body.top_pages).toEqual([
      { page: '/crm', views: 4, unique_users: 2 },
      { page: '/reports', views: 1, unique_users: 1 },
      { page: '/settings', views: 1, unique_users: 1 },
    ]);
    expect(res.body.conversion_events).toEqual([
      { event_type: 'conversion.demo_booked', count: 1 },
      { event_type: 'upgrade', count: 1 },
    ]);
    expect(res.body.daily).toHaveLength(30);
    expect(res.body.daily.at(-1)).toEqual({ date: '2026-12-02', page_views: 0, sessions: 0, conversions: 0 });
    expect(res.body.daily.at(-2)).toEqual({ date: '2026-12-01', page_views: 3, sessions: 2, conversions: 1 });
    expect(res.body.daily.at(-3)).toEqual({ date: '2026-11-30', page_views: 3, sessions: 1, conversions: 1 });
    expect(res.body.daily[0].date).toBe('2026-11-03');

    // Another tenant sees none of it.
    const b = await t.registerTenant();
    const other = await t.request('GET', '/v1/analytics/traffic', { token: b.token });
    expect(other.body.totals).toEqual({ events: 0, page_views: 0, sessions: 0, unique_users: 0, conversions: 0 });
    expect(other.body.top_pages).toEqual([]);
  });
});
