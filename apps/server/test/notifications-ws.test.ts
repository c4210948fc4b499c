import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { notificationWorld } from './notifications-fixture.ts';

// Document 000's WebSocket, /v1/ws/notifications, with a real `ws` client against the real server:
// each new notification of the caller as it is written, resumable from the last cursor seen,
// refused without a valid credential, and ended when the credential stops holding.

const { t, s, acme, uma } = await notificationWorld('notif-ws');
const server = await t.listen();
afterAll(() => server.close());

/** What the feed sends: `ready` once, then a `notification` per row. */
interface Message {
  type: 'ready' | 'notification';
  cursor: string;
  notification?: Record<string, unknown>;
}

interface Feed {
  ws: WebSocket;
  messages: Message[];
  closed: Promise<{ code: number; reason: string }>;
  next(type: Message['type'], count?: number): Promise<Message[]>;
}

function connect(query: string, headers: Record<string, string> = {}): Promise<Feed> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/v1/ws/notifications${query}`, { headers });
  const messages: Message[] = [];
  ws.on('message', (raw) => messages.push(JSON.parse(String(raw))));
  const closed = new Promise<{ code: number; reason: string }>((done) =>
    ws.on('close', (code, reason) => done({ code, reason: String(reason) })),
  );
  const next = async (type: Message['type'], count = 1) => {
    for (let i = 0; i < 600 && messages.filter((m) => m.type === type).length < count; i++) await new Promise((r) => setTimeout(r, 50));
    const got = messages.filter((m) => m.type === type);
    expect(got.length).toBeGreaterThanOrEqual(count);
    return got;
  };
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws, messages, closed, next }));
    ws.on('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.on('error', reject);
  });
}

const refusedWith = async (query: string, headers: Record<string, string> = {}) =>
  connect(query, headers).then(
    () => 0,
    (e) => (e as { status?: number }).status,
  );

describe('/v1/ws/notifications', () => {
  it('pushes each new notification of the caller, and resumes after the last cursor seen', async () => {
    const feed = await connect(`?token=${uma.token}`);
    const [ready] = await feed.next('ready');
    await s.dealFor(acme, uma.userId, 'Pushed');
    await s.run();
    const [pushed] = await feed.next('notification');
    expect(pushed!.notification).toMatchObject({ event_key: 'sales.lead_assigned', title: 'New deal assigned: Pushed', read: false });
    expect(BigInt(pushed!.cursor)).toBeGreaterThan(BigInt(ready!.cursor));
    feed.ws.close();
    await feed.closed;

    // Written while nobody listens, then a reconnect from the last cursor (the header credential this time).
    await s.dealFor(acme, uma.userId, 'Missed one');
    await s.dealFor(acme, uma.userId, 'Missed two');
    await s.run();
    const again = await connect(`?after=${pushed!.cursor}`, { authorization: `Bearer ${uma.token}` });
    const got = await again.next('notification', 2);
    expect(got.map((m) => m.notification?.title)).toEqual(['New deal assigned: Missed one', 'New deal assigned: Missed two']);
    again.ws.close();
  });

  it('pushes nothing of another user', async () => {
    const sam = await t.createUser(acme, 'user', 'Sam');
    const feed = await connect(`?token=${sam.token}`);
    await feed.next('ready');
    await s.dealFor(acme, uma.userId, 'Not for Sam');
    await s.run();
    await new Promise((r) => setTimeout(r, 300));
    expect(feed.messages.filter((m) => m.type === 'notification')).toEqual([]);
    feed.ws.close();
  });

  it('answers the upgrade 401 without a valid credential, 400 for a malformed cursor', async () => {
    expect(await refusedWith('')).toBe(401);
    expect(await refusedWith('?token=nope')).toBe(401);
    expect(await refusedWith('', { authorization: 'Bearer cdb_unknown' })).toBe(401);
    expect(await refusedWith(`?token=${uma.token}&after=abc`)).toBe(400);
  });

  it('tells a plain GET (no upgrade) that it is a WebSocket: 426 with a code', async () => {
    const res = await fetch(`${server.url}/v1/ws/notifications`, { headers: { authorization: `Bearer ${uma.token}` } });
    expect(res.status).toBe(426);
    expect(res.headers.get('upgrade')).toBe('websocket');
    expect(await res.json()).toMatchObject({ code: 'upgrade_required' });
  });

  it('judges the credential again before each push: after a logout-all the feed closes with 4401', async () => {
    const rita = await t.createUser(acme, 'user', 'Rita');
    const feed = await connect(`?token=${rita.token}`);
    await feed.next('ready');
    expect((await t.request('POST', '/api/v1/auth/logout-all', { token: rita.token })).status).toBe(200);
    await s.dealFor(acme, rita.userId, 'After logout');
    await s.run();
    const closed = await feed.closed;
    expect(closed).toEqual({ code: 4401, reason: 'credentials_revoked' });
    expect(feed.messages.filter((m) => m.type === 'notification')).toEqual([]);
  });
});
