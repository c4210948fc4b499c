import { inSystem, inTenant } from '@crm/db';
import { platformEvents } from '@crm/domain';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestResponse } from '../src/testing.ts';
import { tenantWorld } from './app-fixture.ts';

// Document 001's platform events over the whole server: one event, batches of up to 500 (all or
// nothing), the list with filters and paging, the KPI and the 30/90/365-day activity summaries,
// and tenant isolation on every path.

const NOW = new Date('2026-06-01T12:00:00.000Z');
const { t, acme, other, users } = await tenantWorld(
  'pevents',
  { viewer: ['viewer', 'Vic'], user: ['user', 'Uma'] },
  { clock: { now: () => NOW } },
);
const { viewer, user } = users;

const P = '/api/v1/platform-events';

/** Rows of the tenant's platform events table: refused writes must leave it as it was. */
async function rows(tenantId: string): Promise<number> {
  const { rows } = await inSystem(t.handle.db, (tx) =>
    sql<{ n: string }>`select count(*)::text as n from platform_events where tenant_id = ${tenantId}`.execute(tx),
  );
  return Number(rows[0]!.n);
}

async function refused(status: number, code: string, send: () => Promise<TestResponse>) {
  const before = await rows(acme.tenantId);
  const res = await send();
  expect([res.status, res.body?.success, res.body?.code], JSON.stringify(res.body).slice(0, 300)).toEqual([status, false, code]);
  expect(await rows(acme.tenantId)).toBe(before);
  return res;
}

const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000).toISOString();
const write = (token: string, body: Record<string, unknown>) => t.request('POST', P, { token, body });
const batch = (token: string, events: unknown[]) => t.request('POST', `${P}/batch`, { token, body: { events } });

const reg = (token: string, body: Record<string, unknown>) =>
  t.request('POST', '/api/v1/entity-registry/register', { token, body: { app: 'sales', entityType: 'lead', ...body } });
const jane: string = (await reg(acme.token, { name: 'Jane Events', email: 'jane@events.example', entityId: 'j-1' })).body.data.id;
const globex: string = (await reg(acme.token, { name: 'Globex Events', entityClass: 'organization', entityId: 'g-1' })).body.data.id;
const otherPerson: string = (await reg(other.token, { name: 'Olga Other', entityId: 'o-1' })).body.data.id;

describe('writing one event', () => {
  it('answers 201 with the event, metadata kept as sent, time defaulting to now', async () => {
    const res = await write(user.token, {
      canonicalId: jane,
      app: 'Sales',
      category: 'engagement',
      action: 'email_opened',
      metadata: { campaign: 'spring', opens: 2, nested: { ok: [1, 'two', null, true] } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      success: true,
      data: {
        canonicalId: jane,
        app: 'sales',
        category: 'engagement',
        action: 'email_opened',
        metadata: { campaign: 'spring', opens: 2, nested: { ok: [1, 'two', null, true] } },
        occurredAt: NOW.toISOString(),
        actorUserId: user.userId,
      },
    });
    expect(res.body.data.id).toMatch(/^\d+$/);
    const orgEvent = await write(user.token, { canonicalId: globex, app: 'billing', category: 'revenue', action: 'invoice_paid' });
    expect([orgEvent.status, orgEvent.body.data.metadata]).toEqual([201, {}]);
  });

  it('refuses an unknown or foreign entity (404), bad fields and metadata beyond its limits (400), and viewers (403), writing nothing', async () => {
    const base = { canonicalId: jane, app: 'sales', category: 'engagement', action: 'clicked' };
    await refused(404, 'canonical_not_found', () => write(user.token, { ...base, canonicalId: crypto.randomUUID() }));
    await refused(404, 'canonical_not_found', () => write(user.token, { ...base, canonicalId: otherPerson }));
    await refused(400, 'validation_error', () => write(user.token, { ...base, canonicalId: 'uuid' }));
    await refused(400, 'validation_error', () => write(user.token, { ...base, app: '' }));
    await refused(400, 'validation_error', () => write(user.token, { ...base, action: 'has spaces' }));
    await refused(400, 'validation_error', () => write(user.token, { ...base, metadata: [1, 2] }));
    await refused(400, 'validation_error', () => write(user.token, { ...base, metadata: { a: { b: { c: { d: { e: 1 } } } } } }));
    await refused(400, 'validation_error', () => write(user.token, { ...base, metadata: { big: 'x'.repeat(5000) } }));
    await refused(400, 'validation_error', () => write(user.token, { ...base, occurredAt: 'yesterday' }));
    await refused(400, 'validation_error', () => write(user.token, { ...base, extra: true }));
    await refused(403, 'permission_denied', () => write(viewer.token, base));
    await refused(401, 'authentication_required', () => t.request('POST', P, { body: base }));
    // Four levels is within the limit.
    expect((await write(user.token, { ...base, metadata: { a: { b: { c: { d: 1 } } } } })).status).toBe(201);
  });
});

describe('batches', () => {
  const item = (i: number, extra: Record<string, unknown> = {}) => ({
    canonicalId: i % 2 ? jane : globex,
    app: 'bulk',
    category: 'import',
    action: `row_${i % 5}`,
    metadata: { i },
    ...extra,
  });

  it('writes 500 at once (201), and refuses 501 with a 400 that writes nothing', async () => {
    const before = await rows(acme.tenantId);
    const ok = await batch(
      user.token,
      Array.from({ length: 500 }, (_, i) => item(i)),
    );
    expect([ok.status, ok.body.data.written, ok.body.data.ids.length]).toEqual([201, 500, 500]);
    expect(new Set(ok.body.data.ids).size).toBe(500);
    expect(await rows(acme.tenantId)).toBe(before + 500);
    const tooMany = await refused(400, 'validation_error', () =>
      batch(
        user.token,
        Array.from({ length: 501 }, (_, i) => item(i)),
      ),
    );
    expect(tooMany.body.message).toMatch(/events.*500/);
    await refused(400, 'validation_error', () => batch(user.token, []));
  });

  it('refuses the whole batch for one bad item, naming its index, and writes nothing', async () => {
    const items = Array.from({ length: 20 }, (_, i) => item(i));
    const badField = [...items];
    badField[7] = item(7, { app: 'not valid!' });
    const res = await refused(400, 'validation_error', () => batch(user.token, badField));
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'events.7.app' })]);
    const unknown = [...items];
    unknown[3] = item(3, { canonicalId: crypto.randomUUID() });
    const missing = await refused(400, 'canonical_not_found', () => batch(user.token, unknown));
    expect(missing.body.error.details).toMatchObject({ index: 3 });
    const foreign = [...items];
    foreign[12] = item(12, { canonicalId: otherPerson });
    expect((await refused(400, 'canonical_not_found', () => batch(user.token, foreign))).body.error.details).toMatchObject({ index: 12 });
    await refused(403, 'permission_denied', () => batch(viewer.token, items));
  });
});

describe('reading an entity’s events', () => {
  let subject: string;
  beforeAll(async () => {
    subject = (
      await t.request('POST', '/api/v1/entity-registry/register', {
        token: acme.token,
        body: { name: 'Reader Rita', app: 'sales', entityType: 'lead', entityId: 'r-1' },
      })
    ).body.data.id;
    const at = (days: number, app: string, category: string, action: string) => ({
      canonicalId: subject,
      app,
      category,
      action,
      occurredAt: daysAgo(days),
    });
    const res = await batch(user.token, [
      at(1, 'sales', 'engagement', 'email_opened'),
      at(3, 'sales', 'engagement', 'email_opened'),
      at(10, 'support', 'service', 'ticket_opened'),
      at(60, 'sales', 'engagement', 'email_clicked'),
      at(200, 'billing', 'revenue', 'invoice_paid'),
      at(400, 'sales', 'engagement', 'email_opened'),
    ]);
    expect(res.status).toBe(201);
  });

  it('lists newest first with paging and filters by app, category, action and time', async () => {
    const all = await t.request('GET', `${P}/${subject}`, { token: viewer.token });
    expect(all.status).toBe(200);
    expect(all.body.data).toMatchObject({ total: 6, page: 1, totalPages: 1 });
    const times = all.body.data.events.map((e: { occurredAt: string }) => e.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    const page2 = await t.request('GET', `${P}/${subject}?limit=4&page=2`, { token: viewer.token });
    expect([page2.body.data.events.length, page2.body.data.totalPages, page2.body.data.events[0].occurredAt]).toEqual([2, 2, daysAgo(200)]);
    const sales = await t.request('GET', `${P}/${subject}?app=sales&action=email_opened`, { token: viewer.token });
    expect(sales.body.data.total).toBe(3);
    const service = await t.request('GET', `${P}/${subject}?category=service`, { token: viewer.token });
    expect(service.body.data.events.map((e: { action: string }) => e.action)).toEqual(['ticket_opened']);
    const window = await t.request('GET', `${P}/${subject}?from=${encodeURIComponent(daysAgo(61))}&to=${encodeURIComponent(daysAgo(2))}`, {
      token: viewer.token,
    });
    expect(window.body.data.events.map((e: { action: string }) => e.action)).toEqual(['email_opened', 'ticket_opened', 'email_clicked']);
    expect((await t.request('GET', `${P}/${subject}?from=soon`, { token: viewer.token })).status).toBe(400);
    expect((await t.request('GET', `${P}/${subject}?limit=500`, { token: viewer.token })).status).toBe(400);
    expect((await t.request('GET', `${P}/${crypto.randomUUID()}`, { token: viewer.token })).body.code).toBe('canonical_not_found');
    expect((await t.request('GET', `${P}/not-a-uuid`, { token: viewer.token })).status).toBe(400);
    expect((await t.request('GET', `${P}/${subject}`)).status).toBe(401);
  });

  it('summarises KPIs: totals, first and last seen, by app, by category, top actions', async () => {
    const res = await t.request('GET', `${P}/${subject}/summary`, { token: viewer.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      canonicalId: subject,
      totalEvents: 6,
      firstSeen: daysAgo(400),
      lastSeen: daysAgo(1),
      activeDays: 6,
      appCount: 3,
      last7Days: 2,
      last30Days: 3,
      byCategory: [
        { category: 'engagement', count: 4 },
        { category: 'revenue', count: 1 },
        { category: 'service', count: 1 },
      ],
    });
    expect(res.body.data.byApp[0]).toEqual({ app: 'sales', count: 4, firstSeen: daysAgo(400), lastSeen: daysAgo(1) });
    expect(res.body.data.topActions[0]).toEqual({ app: 'sales', category: 'engagement', action: 'email_opened', count: 3 });
    const org = await t.request('GET', `${P}/${globex}/summary`, { token: viewer.token });
    expect(org.body.data.totalEvents).toBeGreaterThan(0);
  });

  it('counts by app and category for the last 30, 90 and 365 days', async () => {
    const res = await t.request('GET', `${P}/${subject}/activity-summary`, { token: viewer.token });
    expect(res.status).toBe(200);
    const w = res.body.data.windows as Array<{ days: number; total: number; since: string; byApp: unknown; byAppCategory: unknown }>;
    expect(res.body.data.asOf).toBe(NOW.toISOString());
    expect(w.map((x) => [x.days, x.total, x.since])).toEqual([
      [30, 3, daysAgo(30)],
      [90, 4, daysAgo(90)],
      [365, 5, daysAgo(365)],
    ]);
    expect(w[0]!.byApp).toEqual([
      { app: 'sales', count: 2 },
      { app: 'support', count: 1 },
    ]);
    expect(w[2]!.byAppCategory).toEqual([
      { app: 'sales', category: 'engagement', count: 3 },
      { app: 'billing', category: 'revenue', count: 1 },
      { app: 'support', category: 'service', count: 1 },
    ]);
  });

  it('the registry’s timeline and profile show the same events', async () => {
    const timeline = await t.request('GET', `/api/v1/entity-registry/${subject}/timeline?limit=2`, { token: viewer.token });
    expect(timeline.body.data.events.map((e: { occurredAt: string }) => e.occurredAt)).toEqual([daysAgo(1), daysAgo(3)]);
    const profile = await t.request('GET', `/api/v1/entity-registry/${subject}/profile`, { token: viewer.token });
    expect(profile.body.data.events).toMatchObject({ totalEvents: 6, last30Days: 3 });
  });
});

describe('append-only storage', () => {
  it('refuses changes and deletes by the app; erasure can only clear metadata', async () => {
    const withSecret = { canonicalId: globex, app: 'erase', category: 'test', action: 'kept', metadata: { who: 'secret' } };
    expect((await write(user.token, withSecret)).status).toBe(201);
    const cleared = await inTenant(t.handle.db, acme.tenantId, (tx) =>
      platformEvents.clearPlatformEventMetadata(tx, acme.tenantId, [globex]),
    );
    expect(cleared).toBeGreaterThanOrEqual(1);
    const after = await t.request('GET', `${P}/${globex}?app=erase`, { token: viewer.token });
    expect(after.body.data.events).toMatchObject([{ action: 'kept', metadata: {} }]);
    // The app's role may not rewrite or delete a fact (PGlite runs without roles: pg only).
    if (t.handle.kind === 'pg') {
      const attempt = (q: string) => inTenant(t.handle.db, acme.tenantId, (tx) => sql.raw(q).execute(tx));
      await expect(attempt(`delete from platform_events where app = 'erase'`)).rejects.toThrow(/permission denied/);
      await expect(attempt(`update platform_events set action = 'changed' where app = 'erase'`)).rejects.toThrow(/permission denied/);
    }
  });
});

describe('tenant isolation', () => {
  it('another tenant cannot read or write this tenant’s entity events on any path', async () => {
    for (const path of [`${P}/${jane}`, `${P}/${jane}/summary`, `${P}/${jane}/activity-summary`]) {
      const res = await t.request('GET', path, { token: other.token });
      expect([res.status, res.body.code], path).toEqual([404, 'canonical_not_found']);
      expect(res.text).not.toContain('email_opened');
    }
    await refused(404, 'canonical_not_found', () =>
      write(other.token, { canonicalId: jane, app: 'sales', category: 'engagement', action: 'email_opened' }),
    );
    await refused(400, 'canonical_not_found', () =>
      batch(other.token, [
        { canonicalId: otherPerson, app: 'sales', category: 'engagement', action: 'email_opened' },
        { canonicalId: jane, app: 'sales', category: 'engagement', action: 'email_opened' },
      ]),
    );
    const own = await write(other.token, { canonicalId: otherPerson, app: 'sales', category: 'engagement', action: 'own' });
    expect(own.status).toBe(201);
    expect((await t.request('GET', `${P}/${otherPerson}`, { token: other.token })).body.data.total).toBe(1);
    expect((await t.request('GET', `${P}/${otherPerson}`, { token: acme.token })).status).toBe(404);
  });
});
