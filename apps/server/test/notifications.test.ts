import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { type Actor, notificationWorld } from './notifications-fixture.ts';

// Document 001's notifications over the whole server: the engine turns deal events into inbox
// rows for the users they concern, and every /api/v1/notifications path reads or changes only the
// caller's own rows and settings. Refused writes append nothing.

const { t, s, acme, uma } = await notificationWorld('notif');
const other = await t.registerTenant('notif-other');
const sam = await t.createUser(acme, 'user', 'Sam');
const N = '/api/v1/notifications';

const mine = async (who: Actor | TestTenant, query = '') => (await s.inbox(who, query)).body.data;

describe('the engine', () => {
  it('tells the owner of a deal someone else gave them, and not the actor', async () => {
    const deal = await s.dealFor(acme, uma.userId, 'Globex expansion');
    await s.run();
    const got = await mine(uma);
    expect(got.notifications).toHaveLength(1);
    expect(got.notifications[0]).toMatchObject({
      eventKey: 'sales.lead_assigned',
      module: 'sales',
      title: 'New deal assigned: Globex expansion',
      body: 'Ada Admin assigned you the deal Globex expansion.',
      link: `/crm/deals/${deal}`,
      read: false,
      emailState: 'pending',
    });
    expect((await mine(acme)).total).toBe(0);
  });

  it('tells no one of a deal the owner made for themselves, or moved themselves', async () => {
    const before = (await s.rows(acme.tenantId)).length;
    const deal = await s.dealFor(sam, sam.userId);
    await s.move(sam, deal);
    await s.run();
    expect((await s.rows(acme.tenantId)).length).toBe(before);
  });

  it('tells the owner when someone else moves their deal, or makes them its owner later', async () => {
    const deal = await s.dealFor(sam, sam.userId, 'Initech');
    await s.move(acme, deal);
    const changed = await t.request('PATCH', `/v1/crm/deals/${deal}`, { token: acme.token, body: { owner_user_id: uma.userId } });
    expect(changed.status, changed.text).toBe(200);
    await s.run();
    const [moved] = (await mine(sam)).notifications;
    expect(moved).toMatchObject({
      eventKey: 'sales.deal_stage_changed',
      title: expect.stringMatching(/^Initech moved to /),
      emailState: 'none',
    });
    expect((await mine(uma)).notifications[0]).toMatchObject({ eventKey: 'sales.lead_assigned', title: 'New deal assigned: Initech' });
  });

  it('tells the owner their deal was won or lost when someone else closes it, instead of a stage change', async () => {
    const stages = (await t.request('GET', '/v1/crm/stages', { token: acme.token })).body.stages;
    const close = async (name: string, stage: { id: string }) => {
      const deal = await s.dealFor(sam, sam.userId, name);
      expect((await t.request('PATCH', `/v1/crm/deals/${deal}/move`, { token: acme.token, body: { stage_id: stage.id } })).status).toBe(
        200,
      );
    };
    await close(
      'Won deal',
      stages.find((x: { is_won: boolean }) => x.is_won),
    );
    await close(
      'Lost deal',
      stages.find((x: { is_lost: boolean }) => x.is_lost),
    );
    await s.run();
    const got = (await mine(sam)).notifications.slice(0, 2).map((n: { eventKey: string; title: string }) => [n.eventKey, n.title]);
    expect(got).toEqual([
      ['sales.deal_lost', 'Lost deal lost'],
      ['sales.deal_won', 'Won deal won'],
    ]);
  });

  it('tells a deactivated user nothing', async () => {
    const gone = await t.createUser(acme, 'user', 'Gil');
    expect((await t.request('DELETE', `/api/v1/users/${gone.userId}`, { token: acme.token })).status).toBe(200);
    await s.dealFor(acme, gone.userId);
    await s.run();
    expect((await s.rows(acme.tenantId)).filter((r) => r.user_id === gone.userId)).toEqual([]);
  });
});

describe('the inbox', () => {
  it('lists newest first with page and limit, filters unread, and counts the unread', async () => {
    const reader = await t.createUser(acme, 'user', 'Rita');
    for (const name of ['One', 'Two', 'Three']) await s.dealFor(acme, reader.userId, name);
    await s.run();
    const all = await mine(reader, '?page=1&limit=2');
    expect(all).toMatchObject({ total: 3, page: 1, limit: 2, totalPages: 2, unreadCount: 3 });
    expect(all.notifications.map((n: { title: string }) => n.title)).toEqual(['New deal assigned: Three', 'New deal assigned: Two']);
    expect((await mine(reader, '?page=2&limit=2')).notifications).toHaveLength(1);

    const first = all.notifications[0].id;
    const read = await t.request('PATCH', `${N}/${first}/read`, { token: reader.token });
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ id: first, read: true, readAt: expect.any(String) });
    expect((await t.request('GET', `${N}/unread-count`, { token: reader.token })).body.data).toEqual({ count: 2 });
    expect((await mine(reader, '?unread=true')).notifications.map((n: { id: string }) => n.id)).not.toContain(first);

    // Reading it again (PUT is accepted too) changes nothing and appends nothing.
    const before = await t.eventCount(acme.tenantId);
    expect((await t.request('PUT', `${N}/${first}/read`, { token: reader.token })).body.data.readAt).toBe(read.body.data.readAt);
    expect(await t.eventCount(acme.tenantId)).toBe(before);

    const all2 = await t.request('POST', `${N}/mark-all-read`, { token: reader.token });
    expect(all2.body).toEqual({ success: true, data: { unreadCount: 0 } });
    expect((await mine(reader, '?unread=true')).total).toBe(0);
    // Nothing left unread: nothing appended.
    const again = await t.eventCount(acme.tenantId);
    expect((await t.request('POST', `${N}/mark-all-read`, { token: reader.token })).status).toBe(200);
    expect(await t.eventCount(acme.tenantId)).toBe(again);
  });

  it('dismisses: gone from the inbox, then 404', async () => {
    const d = await t.createUser(acme, 'user', 'Dora');
    await s.dealFor(acme, d.userId);
    await s.run();
    const [n] = (await mine(d)).notifications;
    const res = await t.request('DELETE', `${N}/${n.id}`, { token: d.token });
    expect(res.body).toEqual({ success: true, data: { id: n.id, dismissed: true } });
    expect((await mine(d)).total).toBe(0);
    await s.refused(acme.tenantId, 404, 'notification_not_found', () => t.request('DELETE', `${N}/${n.id}`, { token: d.token }));
    await s.refused(acme.tenantId, 404, 'notification_not_found', () => t.request('PATCH', `${N}/${n.id}/read`, { token: d.token }));
  });

  it('answers 404 for another user’s or another tenant’s notification, 400 for a malformed id, 401 without a token', async () => {
    const [n] = (await mine(uma)).notifications;
    await s.refused(acme.tenantId, 404, 'notification_not_found', () => t.request('PATCH', `${N}/${n.id}/read`, { token: sam.token }));
    await s.refused(acme.tenantId, 404, 'notification_not_found', () => t.request('DELETE', `${N}/${n.id}`, { token: other.token }));
    await s.refused(acme.tenantId, 400, undefined, () => t.request('PATCH', `${N}/not-a-uuid/read`, { token: uma.token }));
    expect((await t.request('GET', N)).status).toBe(401);
    expect((await mine(other)).total).toBe(0);
  });
});

describe('preferences', () => {
  it('lists the catalogue by module with override flags, and merges an upsert into the preferences', async () => {
    const p = await t.createUser(acme, 'user', 'Pia');
    const cat = (await t.request('GET', `${N}/preferences/catalog`, { token: p.token })).body.data;
    const sales = cat.modules.find((m: { module: string }) => m.module === 'sales');
    const lead = sales.events.find((e: { eventKey: string }) => e.eventKey === 'sales.lead_assigned');
    expect(lead).toMatchObject({
      enabled: true,
      defaultChannels: { in_app: true, email: true },
      channels: { in_app: true, email: true },
      overridden: { in_app: false, email: false },
    });

    const put = await t.request('PUT', `${N}/preferences`, {
      token: p.token,
      body: { eventKey: 'sales.lead_assigned', channel: 'email', enabled: false },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.data).toMatchObject({ channels: { in_app: true, email: false }, overridden: { in_app: false, email: true } });
    const got = (await t.request('GET', `${N}/preferences`, { token: p.token })).body.data;
    expect(got.preferences.find((e: { eventKey: string }) => e.eventKey === 'sales.lead_assigned').channels).toEqual({
      in_app: true,
      email: false,
    });
    expect(got.dnd).toMatchObject({ enabled: false, activeNow: false });

    // The same upsert again appends nothing.
    const before = await t.eventCount(acme.tenantId);
    await t.request('PUT', `${N}/preferences`, {
      token: p.token,
      body: { eventKey: 'sales.lead_assigned', channel: 'email', enabled: false },
    });
    expect(await t.eventCount(acme.tenantId)).toBe(before);

    // Email off: the row lands, with no email leg.
    await s.dealFor(acme, p.userId);
    await s.run();
    expect((await mine(p)).notifications[0].emailState).toBe('none');
  });

  it('refuses an unknown event key or channel, or a malformed body, with 400 and appends nothing', async () => {
    const put = (body: unknown) => () => t.request('PUT', `${N}/preferences`, { token: uma.token, body });
    await s.refused(acme.tenantId, 400, 'unknown_event_key', put({ eventKey: 'sales.nope', channel: 'email', enabled: false }));
    await s.refused(acme.tenantId, 400, 'unknown_channel', put({ eventKey: 'sales.lead_assigned', channel: 'sms', enabled: false }));
    await s.refused(acme.tenantId, 400, undefined, put({ eventKey: 'sales.lead_assigned', channel: 'email' }));
    await s.refused(acme.tenantId, 400, undefined, put({ eventKey: 'sales.lead_assigned', channel: 'email', enabled: 'no' }));
  });

  it('with in-app off but email on, the row carries the email leg and stays out of the inbox; both off, no row', async () => {
    const q = await t.createUser(acme, 'user', 'Quin');
    const set = (channel: string, enabled: boolean) =>
      t.request('PUT', `${N}/preferences`, { token: q.token, body: { eventKey: 'sales.lead_assigned', channel, enabled } });
    await set('in_app', false);
    await s.dealFor(acme, q.userId);
    await s.run();
    expect((await mine(q)).total).toBe(0);
    const [row] = (await s.rows(acme.tenantId)).filter((r) => r.user_id === q.userId);
    expect(row).toMatchObject({ email_state: 'pending', dismissed_at: expect.any(Date) });
    await set('email', false);
    await s.dealFor(acme, q.userId);
    await s.run();
    expect((await s.rows(acme.tenantId)).filter((r) => r.user_id === q.userId)).toHaveLength(1);
  });
});

describe('Do Not Disturb', () => {
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);

  it('reads the default, sets a window, and holds the email leg inside it until its end', async () => {
    const d = await t.createUser(acme, 'user', 'Dan');
    expect((await t.request('GET', `${N}/preferences/dnd`, { token: d.token })).body.data).toEqual({
      enabled: false,
      startTime: '22:00',
      endTime: '08:00',
      timezone: 'UTC',
      activeNow: false,
      endsAt: null,
    });
    const now = Date.now();
    const window = { enabled: true, startTime: hhmm(new Date(now - 3600_000)), endTime: hhmm(new Date(now + 3600_000)), timezone: 'UTC' };
    const put = await t.request('PUT', `${N}/preferences/dnd`, { token: d.token, body: window });
    expect(put.status, put.text).toBe(200);
    expect(put.body.data).toMatchObject({ ...window, activeNow: true });
    const endsAt = new Date(put.body.data.endsAt).getTime();
    expect(endsAt).toBeGreaterThan(now + 3500_000);
    expect(endsAt).toBeLessThanOrEqual(now + 3600_000);

    await s.dealFor(acme, d.userId);
    await s.run();
    const [row] = (await s.rows(acme.tenantId)).filter((r) => r.user_id === d.userId);
    expect(row!.email_state).toBe('held');
    expect(row!.held_until!.getTime()).toBe(endsAt);
    // In-app still lands.
    expect((await mine(d)).total).toBe(1);
  });

  it('refuses an unknown zone or a malformed time with 400 and appends nothing', async () => {
    const put = (body: unknown) => () => t.request('PUT', `${N}/preferences/dnd`, { token: uma.token, body });
    const ok = { enabled: true, startTime: '22:00', endTime: '08:00', timezone: 'America/New_York' };
    await s.refused(acme.tenantId, 400, 'invalid_timezone', put({ ...ok, timezone: 'Mars/Olympus_Mons' }));
    await s.refused(acme.tenantId, 400, undefined, put({ ...ok, startTime: '25:00' }));
    await s.refused(acme.tenantId, 400, undefined, put({ ...ok, endTime: '8am' }));
    await s.refused(acme.tenantId, 400, undefined, put({ enabled: true }));
    const res = await t.request('PUT', `${N}/preferences/dnd`, { token: uma.token, body: ok });
    expect(res.body.data).toMatchObject(ok);
  });
});
