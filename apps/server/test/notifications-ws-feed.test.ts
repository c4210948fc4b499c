import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notificationSockets } from '@crm/api';
import { inSystem } from '@crm/db';
import { type KyselyPlugin, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { notificationWorld } from './notifications-fixture.ts';

// /v1/ws/notifications with many sockets on one process-wide feed, over real sockets: every socket
// of several users in two tenants gets exactly its user's rows, in order, none lost and none twice,
// also one that resumes from an old cursor while rows keep coming; and an idle socket costs no
// query (every statement the sockets send to the database is counted on its way there).

const { t, s, acme } = await notificationWorld('ws-feed');
const globex = await t.registerTenant('ws-feed-other');

let statements = 0;
const counted: KyselyPlugin = {
  transformQuery(args) {
    statements++;
    return args.node;
  },
  transformResult: async (args) => args.result,
};
const POLL_MS = 100;
const sockets = notificationSockets({ ...t.services, db: t.services.db.withPlugin(counted) }, { pollMs: POLL_MS });
const http = createServer((_req, res) => res.writeHead(404).end());
http.on('upgrade', (req, socket, head) => sockets.handleUpgrade(req, socket, head));
await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
const port = (http.address() as AddressInfo).port;
afterAll(async () => {
  sockets.close();
  await new Promise((done) => http.close(done));
});

interface Message {
  type: 'ready' | 'notification';
  cursor: string;
  notification?: { title: string };
}

interface Client {
  ws: WebSocket;
  messages: Message[];
  titles(): string[];
  cursors(): bigint[];
}

function open(token: string, after?: string): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/ws/notifications?token=${token}${after ? `&after=${after}` : ''}`);
  const messages: Message[] = [];
  ws.on('message', (raw) => messages.push(JSON.parse(String(raw))));
  const pushed = () => messages.filter((m) => m.type === 'notification');
  const client = {
    ws,
    messages,
    titles: () => pushed().map((m) => m.notification!.title),
    cursors: () => pushed().map((m) => BigInt(m.cursor)),
  };
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    // Ready once the feed has said where it starts.
    ws.on('message', function ready() {
      ws.off('message', ready);
      resolve(client);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms = 20_000) {
  for (const end = Date.now() + ms; !check() && Date.now() < end; ) await sleep(25);
}

const users = [
  ...(await Promise.all(['Ann', 'Bob', 'Cid'].map((n) => t.createUser(acme, 'user', n)))).map((u) => ({ ...u, admin: acme })),
  ...(await Promise.all(['Dee', 'Eve'].map((n) => t.createUser(globex, 'user', n)))).map((u) => ({ ...u, admin: globex })),
];

describe('the shared notification feed over real sockets', () => {
  it("gives every socket exactly its user's rows, in order, none lost, none twice, a resumed one too", async () => {
    const clients = await Promise.all(users.map((u) => Promise.all(Array.from({ length: 8 }, () => open(u.token)))));
    const start = clients.map((mine) => mine[0]!.messages[0]!.cursor);
    const expected = users.map(() => [] as string[]);
    const resumed: Client[][] = users.map(() => []);
    for (let round = 0; round < 4; round++) {
      for (const [i, u] of users.entries()) {
        const name = `Round ${round} for ${i}`;
        await s.dealFor(u.admin, u.userId, name);
        expected[i]!.push(`New deal assigned: ${name}`);
      }
      await s.run();
      if (round === 1) {
        // While rows keep coming: one socket per user resumes from before the first row, one from its first row.
        await until(() => clients.every((mine, i) => mine[0]!.titles().length >= expected[i]!.length));
        for (const [i, u] of users.entries()) {
          resumed[i]!.push(await open(u.token, start[i]), await open(u.token, String(clients[i]![0]!.cursors()[0])));
        }
      }
    }
    const all = clients.map((mine, i) => [...mine, ...resumed[i]!]);
    await until(() => all.every((mine, i) => mine.every((c) => c.titles().length >= expected[i]!.length - (c === resumed[i]![1] ? 1 : 0))));
    await sleep(5 * POLL_MS); // time for a duplicate to show up
    for (const [i, mine] of all.entries()) {
      for (const c of mine) {
        const want = c === resumed[i]![1] ? expected[i]!.slice(1) : expected[i]!;
        expect(c.titles()).toEqual(want);
        const seqs = c.cursors();
        expect(seqs.every((x, k) => k === 0 || x > seqs[k - 1]!)).toBe(true);
      }
    }
    for (const c of all.flat()) c.ws.close();
  });

  it('gives a socket resuming over a long backlog, with a burst arriving meanwhile, every row once and in order', async () => {
    const who = await t.createUser(acme, 'user', 'Burst');
    const live = await open(who.token);
    const start = live.messages[0]!.cursor;
    const burst = (from: number, to: number) =>
      inSystem(t.handle.db, (tx) =>
        sql`insert into notifications (tenant_id, id, user_id, event_key, module, title, body, source_position, source_event_id, created_at)
          select ${acme.tenantId}, gen_random_uuid(), ${who.userId}, 'test.burst', 'test', 'Burst ' || g, '', 0, gen_random_uuid(), now()
          from generate_series(${from}::int, ${to}::int) g order by g`.execute(tx),
      );
    await burst(1, 300);
    await until(() => live.titles().length >= 300);
    // Its backlog (three pages) is read while 1,200 more rows reach the feed, more than a socket may queue.
    const resumed = open(who.token, start);
    await burst(301, 1500);
    const late = await resumed;
    const want = Array.from({ length: 1500 }, (_, i) => `Burst ${i + 1}`);
    await until(() => live.titles().length >= 1500 && late.titles().length >= 1500);
    await sleep(5 * POLL_MS);
    expect(live.titles()).toEqual(want);
    expect(late.titles()).toEqual(want);
    live.ws.close();
    late.ws.close();
  });

  it('costs nothing per idle socket: the statements sent while 200 sockets wait are the feed’s polls', async () => {
    const clients = await Promise.all(users.flatMap((u) => Array.from({ length: 40 }, () => open(u.token))));
    expect(clients).toHaveLength(200);
    await sleep(2 * POLL_MS);
    const before = statements;
    const started = performance.now();
    await sleep(20 * POLL_MS);
    const polls = (performance.now() - started) / POLL_MS;
    const sent = statements - before;
    // A poll is one transaction of three statements (begin and role, the read, commit): one socket
    // polling on its own every 100 ms would have sent 200 × 3 × 20 of them.
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(3 * Math.ceil(polls + 1));
    for (const c of clients) c.ws.close();
  });

  it('refuses a cursor beyond what the feed can have sent with 400, not a failure later', async () => {
    const [u] = users;
    await expect(open(u!.token, '9999999999999999999')).rejects.toMatchObject({ status: 400 });
    const c = await open(u!.token, '9223372036854775807');
    expect(c.messages[0]).toEqual({ type: 'ready', cursor: '9223372036854775807' });
    c.ws.close();
  });
});
