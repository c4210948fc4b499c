import { NotificationRunner } from '@crm/api';
import { inTenant } from '@crm/db';
import { describe, expect, it } from 'vitest';
import { testApp } from './app-fixture.ts';

// Document 001's /me: the caller's tasks (scheduled activities on deals they own) in buckets, and
// the unread counts gathered from chat, notifications and tasks.

const t = await testApp();
const acme = await t.registerTenant('me');

const HOUR = 3_600_000;
const newDeal = async (token: string, name: string) => {
  const res = await t.request('POST', '/v1/crm/deals', { token, body: { name, value_usd: 10 } });
  if (res.status !== 201) throw new Error(res.text);
  return res.body.id as string;
};
const task = async (token: string, dealId: string, body: string, at: Date | null) => {
  const res = await t.request('POST', `/v1/crm/deals/${dealId}/activities`, {
    token,
    body: { type: 'task', body, scheduled_for: at?.toISOString() ?? null },
  });
  if (res.status !== 201) throw new Error(res.text);
};

describe('GET /api/v1/me/action-items', () => {
  it('splits the caller’s tasks into overdue, due in 48 hours and upcoming, with counts; others’ deals are not theirs', async () => {
    const me = await t.createUser(acme, 'user', 'Tia');
    const someone = await t.createUser(acme, 'user', 'Ole');
    const mine = await newDeal(me.token, 'Mine');
    const theirs = await newDeal(someone.token, 'Theirs');
    const now = Date.now();
    await task(me.token, mine, 'late', new Date(now - 2 * 24 * HOUR));
    await task(me.token, mine, 'later late', new Date(now - HOUR));
    await task(me.token, mine, 'soon', new Date(now + 2 * HOUR));
    await task(me.token, mine, 'in three days', new Date(now + 72 * HOUR));
    await task(me.token, mine, 'unscheduled', null);
    await task(someone.token, theirs, 'not mine', new Date(now - HOUR));

    const res = await t.request('GET', '/api/v1/me/action-items', { token: me.token });
    expect(res.status).toBe(200);
    const d = res.body.data;
    expect(d.counts).toEqual({ overdue: 2, dueSoon: 1, upcoming: 1, total: 4 });
    expect(d.dueSoonHours).toBe(48);
    expect(d.overdue.items.map((i: { body: string }) => i.body)).toEqual(['late', 'later late']);
    expect(d.dueSoon.items[0]).toMatchObject({ body: 'soon', dealId: mine, dealName: 'Mine', type: 'task' });
    expect(d.upcoming.items.map((i: { body: string }) => i.body)).toEqual(['in three days']);

    const empty = (await t.request('GET', '/api/v1/me/action-items', { token: acme.token })).body.data;
    expect(empty.counts.total).toBe(0);
    expect((await t.request('GET', '/api/v1/me/action-items')).status).toBe(401);
  });
});

describe('GET /api/v1/me/unread-counts', () => {
  it('gathers chat, notifications and tasks (overdue or due today, UTC); email is null', async () => {
    const ann = await t.createUser(acme, 'user', 'Ann');
    const bob = await t.createUser(acme, 'viewer', 'Bob');
    const counts = async (token: string) => (await t.request('GET', '/api/v1/me/unread-counts', { token })).body.data;
    expect(await counts(ann.token)).toEqual({ chat: 0, notifications: 0, tasks: 0, email: null });

    const ch = (await t.request('POST', '/api/v1/chat/channels/direct', { token: ann.token, body: { userId: bob.userId } })).body.data.id;
    for (const content of ['hi', 'there'])
      await t.request('POST', `/api/v1/chat/channels/${ch}/messages`, { token: ann.token, body: { content } });
    const deal = await newDeal(ann.token, 'Counted');
    const now = new Date();
    const endOfDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    const times = [now.getTime() - HOUR, now.getTime() + 60_000, now.getTime() + 30 * HOUR];
    for (const at of times) await task(ann.token, deal, 'due', new Date(at));
    const dueToday = times.filter((at) => at < endOfDay).length;

    // The notification engine reads the log: each message tells the other member, not its author.
    const runner = new NotificationRunner(t.services);
    while ((await runner.runOnce()) > 0);
    expect(await counts(bob.token)).toEqual({ chat: 2, notifications: 2, tasks: 0, email: null });
    expect(await counts(ann.token)).toEqual({ chat: 0, notifications: 0, tasks: dueToday, email: null });
    const told = await inTenant(t.handle.db, acme.tenantId, (tx) =>
      tx
        .selectFrom('notifications')
        .select(['user_id', 'event_key', 'title', 'body', 'link'])
        .where('user_id', 'in', [ann.userId, bob.userId])
        .orderBy('created_at')
        .execute(),
    );
    expect(told).toEqual(
      ['hi', 'there'].map((text) => ({
        user_id: bob.userId,
        event_key: 'chat.message_received',
        title: 'New message from Ann Seller',
        body: `Ann Seller in a direct message: ${text}`,
        link: `/chat/${ch}`,
      })),
    );
    await t.request('POST', `/api/v1/chat/channels/${ch}/read`, { token: bob.token });
    expect((await counts(bob.token)).chat).toBe(0);
  });
});
