import { describe, expect, it } from 'vitest';
import { notificationWorld } from './notifications-fixture.ts';

// Document 000's /v1/notifications (snake_case, bare): rules and their toggle, channels, the
// history, and the inbox with its read state: the same use cases as document 001's.

const { t, s, acme, uma } = await notificationWorld('notif-v1');
const V = '/v1/notifications';

describe('rules and channels', () => {
  it('lists one rule per kind of notification, and toggles one off and on without losing its channels', async () => {
    const rules = (await t.request('GET', `${V}/rules`, { token: uma.token })).body.rules;
    const lead = rules.find((r: { rule_id: string }) => r.rule_id === 'sales.lead_assigned');
    expect(lead).toMatchObject({ rule_type: 'event', module: 'sales', enabled: true, channels: { in_app: true, email: true } });

    await t.request('PUT', '/api/v1/notifications/preferences', {
      token: uma.token,
      body: { eventKey: 'sales.lead_assigned', channel: 'email', enabled: false },
    });
    const off = await t.request('PUT', `${V}/rules/event/sales.lead_assigned/toggle`, { token: uma.token });
    expect(off.status, off.text).toBe(200);
    expect(off.body).toMatchObject({ rule_id: 'sales.lead_assigned', enabled: false, channels: { in_app: true, email: false } });

    // Muted: the engine writes nothing for it.
    await s.dealFor(acme, uma.userId);
    await s.run();
    expect((await s.rows(acme.tenantId)).filter((r) => r.user_id === uma.userId)).toEqual([]);

    const on = await t.request('PUT', `${V}/rules/event/sales.lead_assigned/toggle`, { token: uma.token });
    expect(on.body).toMatchObject({ enabled: true, channels: { in_app: true, email: false } });
  });

  it('answers 404 for an unknown rule and appends nothing', async () => {
    await s.refused(acme.tenantId, 404, 'rule_not_found', () =>
      t.request('PUT', `${V}/rules/event/sales.nope/toggle`, { token: uma.token }),
    );
    await s.refused(acme.tenantId, 404, 'rule_not_found', () =>
      t.request('PUT', `${V}/rules/saved_search/sales.lead_assigned/toggle`, { token: uma.token }),
    );
  });

  it('lists in-app and email with their state, Slack and webhook as not available', async () => {
    const res = await t.request('GET', `${V}/channels`, { token: uma.token });
    expect(res.status).toBe(200);
    expect(res.body.channels.map((c: { channel: string; available: boolean }) => [c.channel, c.available])).toEqual([
      ['in_app', true],
      ['email', true],
      ['slack', false],
      ['webhook', false],
    ]);
    // No SMTP in the tests: email is not configured.
    expect(res.body.channels[1]).toMatchObject({ configured: false });
  });
});

describe('the inbox', () => {
  it('shows the inbox in snake_case, reads one and all, deletes one (204), and the history keeps it', async () => {
    const r = await t.createUser(acme, 'user', 'Rex');
    for (const name of ['A', 'B', 'C']) await s.dealFor(acme, r.userId, name);
    await s.run();
    const inbox = (await t.request('GET', `${V}/inbox?limit=10`, { token: r.token })).body;
    expect(inbox).toMatchObject({ total: 3, unread_count: 3 });
    expect(inbox.notifications[0]).toMatchObject({ event_key: 'sales.lead_assigned', read: false, email_state: 'pending' });
    expect((await t.request('GET', `${V}/unread-count`, { token: r.token })).body).toEqual({ count: 3 });

    const [a, b] = inbox.notifications;
    const read = await t.request('PUT', `${V}/read/${a.id}`, { token: r.token });
    expect(read.body).toMatchObject({ id: a.id, read: true, read_at: expect.any(String) });
    const gone = await t.request('DELETE', `${V}/${b.id}`, { token: r.token });
    expect([gone.status, gone.text]).toEqual([204, '']);
    expect((await t.request('PUT', `${V}/read-all`, { token: r.token })).body).toEqual({ unread_count: 0 });

    expect((await t.request('GET', `${V}/inbox`, { token: r.token })).body.total).toBe(2);
    const history = (await t.request('GET', `${V}/history`, { token: r.token })).body;
    expect(history.total).toBe(3);
    expect(history.notifications.find((n: { id: string }) => n.id === b.id).dismissed_at).toEqual(expect.any(String));

    await s.refused(acme.tenantId, 404, 'notification_not_found', () => t.request('DELETE', `${V}/${b.id}`, { token: r.token }));
    await s.refused(acme.tenantId, 404, 'notification_not_found', () => t.request('PUT', `${V}/read/${a.id}`, { token: uma.token }));
    await s.refused(acme.tenantId, 400, undefined, () => t.request('PUT', `${V}/read/123`, { token: r.token }));
  });

  it('accepts an API key of the user', async () => {
    const key = await t.request('POST', '/api/v1/api-keys', { token: uma.token, body: { name: 'inbox reader' } });
    expect(key.status, key.text).toBe(201);
    const res = await t.request('GET', `${V}/unread-count`, { token: key.body.data.key });
    expect(res.status).toBe(200);
    expect(typeof res.body.count).toBe('number');
  });
});
