import { describe, expect, it } from 'vitest';
import type { TestResponse } from '../src/testing.ts';
import { tenantWorld } from './app-fixture.ts';

// Document 001's chat over the whole server: every path and its statuses, membership, paging,
// unread counts per member, tenant isolation, and that a refused write appends nothing.

type Member = { token: string; userId: number };
const { t, acme, other, users } = await tenantWorld('chat', { bea: ['user', 'Bea'], cal: ['manager', 'Cal'], vic: ['viewer', 'Vic'] });
const { bea, cal, vic } = users;
const stranger = await t.createUser(other, 'user', 'Otto');

const C = '/api/v1/chat';

const admin = (): Member => ({ token: acme.token, userId: acme.userId });
const direct = (who: Member, userId: unknown) => t.request('POST', `${C}/channels/direct`, { token: who.token, body: { userId } });
const group = (who: Member, body: Record<string, unknown>) => t.request('POST', `${C}/channels/group`, { token: who.token, body });
const send = (who: Member, id: string, content: string) =>
  t.request('POST', `${C}/channels/${id}/messages`, { token: who.token, body: { content } });
const read = (who: Member, id: string) => t.request('POST', `${C}/channels/${id}/read`, { token: who.token });
const page = (who: Member, id: string, qs = '') => t.request('GET', `${C}/channels/${id}/messages${qs}`, { token: who.token });
const unread = async (who: Member) => (await t.request('GET', `${C}/unread-count`, { token: who.token })).body.data.count as number;
type Shown = { id: string; unreadCount: number; lastMessage: { authorId: number; content: string } | null };
const channels = async (who: Member) => (await t.request('GET', `${C}/channels`, { token: who.token })).body.data as Shown[];

/** Runs a request that must be refused with this status and code, and proves it appended nothing. */
async function refused(status: number, code: string, send: () => Promise<TestResponse>) {
  const before = await t.eventCount(acme.tenantId);
  const res = await send();
  expect([res.status, res.body?.success, res.body?.code], res.text).toEqual([status, false, code]);
  expect(await t.eventCount(acme.tenantId)).toBe(before);
  return res;
}

describe('the user picker', () => {
  it('lists the tenant’s active users other than the caller, and nobody of another tenant', async () => {
    const gone = await t.createUser(acme, 'user', 'Gus');
    expect((await t.request('DELETE', `/api/v1/users/${gone.userId}`, { token: acme.token })).status).toBe(200);
    const res = await t.request('GET', `${C}/users`, { token: bea.token });
    expect(res.status).toBe(200);
    const ids = res.body.data.map((u: { id: number }) => u.id);
    expect(ids.sort()).toEqual([acme.userId, cal.userId, vic.userId].sort());
    expect(res.body.data.find((u: { id: number }) => u.id === cal.userId)).toMatchObject({
      firstName: 'Cal',
      lastName: 'Seller',
      name: 'Cal Seller',
      role: 'manager',
    });
    expect((await t.request('GET', `${C}/users`)).status).toBe(401);
  });
});

describe('direct channels', () => {
  it('starts with 201, resumes the same channel with 200 from either side', async () => {
    const opened = await direct(bea, cal.userId);
    expect(opened.status).toBe(201);
    expect(opened.body.data).toMatchObject({ type: 'direct', name: 'Cal Seller', created: true, lastMessage: null, unreadCount: 0 });
    expect(opened.body.data.members.map((m: { id: number }) => m.id).sort()).toEqual([bea.userId, cal.userId].sort());
    const before = await t.eventCount(acme.tenantId);
    const again = await direct(bea, cal.userId);
    const fromCal = await direct(cal, bea.userId);
    expect([again.status, again.body.data.id, again.body.data.created]).toEqual([200, opened.body.data.id, false]);
    expect([fromCal.status, fromCal.body.data.id, fromCal.body.data.name]).toEqual([200, opened.body.data.id, 'Bea Seller']);
    expect(await t.eventCount(acme.tenantId)).toBe(before);
  });

  it('documents both statuses in OpenAPI', async () => {
    const doc = (await t.request('GET', '/openapi.json')).body;
    const responses = doc.paths['/api/v1/chat/channels/direct'].post.responses;
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['200', '201']));
    expect(responses['200']).toEqual(responses['201']);
  });

  it('opens one channel for a pair when both start it at once', async () => {
    const dee = await t.createUser(acme, 'user', 'Dee');
    const both = await Promise.all([direct(dee, vic.userId), direct(vic, dee.userId), direct(dee, vic.userId)]);
    expect(new Set(both.map((r) => r.body.data.id)).size).toBe(1);
    expect(both.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(await t.eventCount(acme.tenantId, ['ChatChannelOpened'])).toBeGreaterThan(0);
  });

  it('refuses oneself, unknown users, another tenant’s user and a deactivated one, appending nothing', async () => {
    await refused(400, 'cannot_message_self', () => direct(bea, bea.userId));
    await refused(404, 'user_not_found', () => direct(bea, 999_999));
    await refused(404, 'user_not_found', () => direct(bea, stranger.userId));
    const left = await t.createUser(acme, 'user', 'Lea');
    const had = await direct(bea, left.userId);
    expect(had.status).toBe(201);
    expect((await t.request('DELETE', `/api/v1/users/${left.userId}`, { token: acme.token })).status).toBe(200);
    await refused(422, 'user_inactive', () => direct(bea, left.userId));
    await refused(400, 'validation_error', () => direct(bea, 'five'));
    await refused(400, 'validation_error', () => direct(bea, 0));
    await refused(400, 'validation_error', () => t.request('POST', `${C}/channels/direct`, { token: bea.token, body: {} }));
    await refused(401, 'authentication_required', () => t.request('POST', `${C}/channels/direct`, { body: { userId: cal.userId } }));
  });
});

describe('group channels', () => {
  it('opens with the creator and the members, duplicates dropped (201)', async () => {
    const res = await group(bea, { name: '  Project Alpha ', memberIds: [cal.userId, vic.userId, cal.userId, bea.userId] });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ type: 'group', name: 'Project Alpha', createdBy: bea.userId, unreadCount: 0 });
    expect(res.body.data.members.map((m: { id: number }) => m.id).sort()).toEqual([bea.userId, cal.userId, vic.userId].sort());
  });

  it('refuses unknown ids (another tenant’s included) by name, bad names, and no one else, appending nothing', async () => {
    const unknown = await refused(400, 'unknown_members', () =>
      group(bea, { name: 'X', memberIds: [cal.userId, stranger.userId, 999_998] }),
    );
    expect(unknown.body.error.details.userIds.sort()).toEqual([stranger.userId, 999_998].sort());
    expect(unknown.body.message).toContain(String(stranger.userId));
    await refused(400, 'no_other_members', () => group(bea, { name: 'Me', memberIds: [bea.userId] }));
    await refused(400, 'validation_error', () => group(bea, { name: 'x'.repeat(101), memberIds: [cal.userId] }));
    await refused(400, 'validation_error', () => group(bea, { name: '   ', memberIds: [cal.userId] }));
    await refused(400, 'validation_error', () => group(bea, { name: 'Empty', memberIds: [] }));
    await refused(400, 'validation_error', () => group(bea, { name: 'Many', memberIds: Array.from({ length: 101 }, (_, i) => i + 1) }));
    const many = Array.from({ length: 50 }, (_, i) => 900_000 + i);
    await refused(400, 'unknown_members', () => group(bea, { name: 'Many', memberIds: many }));
  });
});

describe('messages', () => {
  it('posts trimmed messages (201) of 1 to 4000 characters, only by members; others get 404', async () => {
    const ch = (await group(bea, { name: 'Posting', memberIds: [cal.userId] })).body.data.id as string;
    const res = await send(bea, ch, '  Hello team!\n');
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ channelId: ch, authorId: bea.userId, content: 'Hello team!' });
    expect((await send(bea, ch, 'x'.repeat(4000))).status).toBe(201);
    await refused(400, 'validation_error', () => send(bea, ch, 'x'.repeat(4001)));
    await refused(400, 'validation_error', () => send(bea, ch, ' \n\t '));
    await refused(400, 'validation_error', () => t.request('POST', `${C}/channels/${ch}/messages`, { token: bea.token, body: {} }));
    // Not a member: the channel does not exist for them, whatever they try.
    await refused(404, 'channel_not_found', () => send(vic, ch, 'let me in'));
    await refused(404, 'channel_not_found', () => read(vic, ch));
    expect((await page(vic, ch)).body.code).toBe('channel_not_found');
    await refused(404, 'channel_not_found', () => send(bea, crypto.randomUUID(), 'hello?'));
    await refused(400, 'validation_error', () => send(bea, 'not-a-uuid', 'hello?'));
    const shown = (await channels(bea)).find((c) => c.id === ch);
    expect(shown?.lastMessage).toMatchObject({ authorId: bea.userId, content: 'x'.repeat(4000) });
  });

  it('pages newest first with an opaque cursor over more than two pages, each message once', async () => {
    const ch = (await direct(admin(), bea.userId)).body.data.id as string;
    const sent: string[] = [];
    for (let i = 0; i < 23; i++) sent.push((await send(i % 2 ? bea : admin(), ch, `m${i}`)).body.data.id);
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const res: TestResponse = await page(bea, ch, `?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data.messages.map((m: { id: string }) => m.id));
      sizes.push(res.body.data.messages.length);
      cursor = res.body.data.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([10, 10, 3]);
    expect(seen).toEqual([...sent].reverse());
    // The default page is 50: all of them, and no next page.
    const all = await page(bea, ch);
    expect([all.body.data.messages.length, all.body.data.nextCursor]).toEqual([23, null]);
    expect((await page(bea, ch, '?limit=23')).body.data.nextCursor).toBeNull();
    for (const bad of [
      'garbage',
      'Y2hhdDow',
      Buffer.from('chat:9999999999999').toString('base64url'),
      Buffer.from('chat:9999999999').toString('base64url'),
      '%00',
    ])
      expect((await page(bea, ch, `?cursor=${bad}`)).body.code, bad).toMatch(/invalid_cursor|invalid_text/);
    expect((await page(bea, ch, '?limit=0')).status).toBe(400);
    expect((await page(bea, ch, '?limit=201')).status).toBe(400);
    expect((await page(bea, ch, '?limit=abc')).status).toBe(400);
  });
});

describe('unread counts', () => {
  it('counts others’ messages after each member’s read position; reads are per member; own messages never count', async () => {
    const dan = await t.createUser(acme, 'user', 'Dan');
    const eve = await t.createUser(acme, 'user', 'Eve');
    const fay = await t.createUser(acme, 'user', 'Fay');
    const ch = (await group(dan, { name: 'Counting', memberIds: [eve.userId, fay.userId] })).body.data.id as string;
    for (const m of ['one', 'two', 'three']) await send(dan, ch, m);
    expect([await unread(dan), await unread(eve), await unread(fay)]).toEqual([0, 3, 3]);

    const r = await read(eve, ch);
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ channelId: ch, unreadCount: 0 });
    expect(r.body.data.lastReadMessageId).toBe((await page(eve, ch, '?limit=1')).body.data.messages[0].id);
    expect([await unread(dan), await unread(eve), await unread(fay)]).toEqual([0, 0, 3]);
    // Read again with nothing new: nothing is recorded.
    const before = await t.eventCount(acme.tenantId);
    expect((await read(eve, ch)).status).toBe(200);
    expect(await t.eventCount(acme.tenantId)).toBe(before);

    await send(eve, ch, 'four');
    expect([await unread(dan), await unread(eve), await unread(fay)]).toEqual([1, 0, 4]);
    // A second channel adds to the total; the list shows each channel's own count.
    const dm = (await direct(eve, fay.userId)).body.data.id as string;
    await send(eve, dm, 'psst');
    expect(await unread(fay)).toBe(5);
    const list = await channels(fay);
    expect(list.map((c) => [c.id, c.unreadCount])).toEqual([
      [dm, 1],
      [ch, 4],
    ]);
    expect(list[0]?.lastMessage?.content).toBe('psst');
    await read(fay, ch);
    expect([await unread(dan), await unread(eve), await unread(fay)]).toEqual([1, 0, 1]);
    // Activity brings a channel to the top of the list.
    await send(dan, ch, 'five');
    expect((await channels(fay)).map((c) => c.id)).toEqual([ch, dm]);
    // Reading a channel with no messages records nothing.
    const quiet = (await direct(dan, fay.userId)).body.data.id as string;
    const b2 = await t.eventCount(acme.tenantId);
    expect((await read(dan, quiet)).body.data).toMatchObject({ lastReadMessageId: null, readAt: null, unreadCount: 0 });
    expect(await t.eventCount(acme.tenantId)).toBe(b2);
  });
});

describe('tenant isolation', () => {
  it('another tenant never sees a channel: its id is 404, its lists are empty', async () => {
    const ch = (await group(bea, { name: 'Secret plans', memberIds: [cal.userId] })).body.data.id as string;
    await send(bea, ch, 'top secret');
    const them: Member = { token: other.token, userId: other.userId };
    expect((await page(them, ch)).status).toBe(404);
    const before = await t.eventCount(other.tenantId);
    expect((await send(them, ch, 'hi')).status).toBe(404);
    expect((await read(them, ch)).status).toBe(404);
    expect(await t.eventCount(other.tenantId)).toBe(before);
    const list = await t.request('GET', `${C}/channels`, { token: other.token });
    expect(list.text).not.toContain('Secret plans');
    expect(await unread(them)).toBe(0);
    const users = await t.request('GET', `${C}/users`, { token: other.token });
    expect(users.body.data.map((u: { id: number }) => u.id)).toEqual([stranger.userId]);
  });
});
