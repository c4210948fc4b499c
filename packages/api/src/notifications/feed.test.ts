import { randomUUID } from 'node:crypto';
import { type DbHandle, inSystem, type Tx } from '@crm/db';
import { onPg, openTestDb } from '@crm/db/testing';
import { eventSchemas, inlineProjections, systemClock, upcasters } from '@crm/domain';
import { EventStore } from '@crm/eventstore';
import { type KyselyPlugin, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Services, silentLogger } from '../services.ts';
import { type FeedRow, NotificationFeed } from './feed.ts';

// The process-wide notification feed on a real database: rows of every tenant read once and told
// to the listeners of their (tenant, user) only, in seq order, each once; a hole in the seqs (a
// rolled-back write, or on pg a lower seq that commits later) is waited out, never skipped; and a
// listener costs no query of its own (the queries are counted on the way to the database).

let handle: DbHandle;
let services: Services;
/** Statements sent to the database through `services.db` that read the notifications table. */
let reads = 0;

const countReads: KyselyPlugin = {
  transformQuery(args) {
    const text = handle.db.getExecutor().compileQuery(args.node, args.queryId).sql;
    if (/\bfrom notifications\b/i.test(text)) reads++;
    return args.node;
  },
  transformResult: async (args) => args.result,
};

beforeAll(async () => {
  handle = await openTestDb();
  services = {
    db: handle.db.withPlugin(countReads),
    dbKind: handle.kind,
    store: new EventStore({ inlineProjections, upcasters, schemas: eventSchemas }),
    clock: systemClock,
    jwtSecret: 'test-secret-that-is-long-enough-0123456789',
    accessTokenTtlS: 900,
    refreshTokenTtlS: 86_400,
    log: silentLogger,
    startedAt: new Date(),
    version: 'test',
  };
}, 60_000);
afterAll(() => handle?.close());

const POLL_MS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const feeds: NotificationFeed[] = [];
/** A feed whose message is the row's title, so a test reads what it was told; closed after its test. */
const newFeed = () => {
  const feed = new NotificationFeed(services, (n) => n.title, POLL_MS);
  feeds.push(feed);
  return feed;
};
afterEach(() => {
  for (const feed of feeds.splice(0)) feed.close();
});

async function insertRow(tx: Tx, tenantId: string, userId: number, title: string, dismissed = false): Promise<bigint> {
  const { rows } = await sql<{ seq: string }>`insert into notifications
      (tenant_id, id, user_id, event_key, module, title, body, source_position, source_event_id, created_at, dismissed_at)
    values (${tenantId}, ${randomUUID()}, ${userId}, 'test.feed', 'test', ${title}, '', 0, ${randomUUID()}, now(), ${dismissed ? new Date() : null})
    returning seq::text`.execute(tx);
  return BigInt(rows[0]!.seq);
}

const write = (tenantId: string, userId: number, title: string, dismissed = false) =>
  inSystem(handle.db, (tx) => insertRow(tx, tenantId, userId, title, dismissed));

/** A listener that keeps what it is told. */
function recorder() {
  const got: FeedRow[] = [];
  return {
    got,
    listener: (row: FeedRow) => void got.push(row),
    titles: () => got.map((r) => r.message),
    async until(count: number, ms = 10_000) {
      for (const end = Date.now() + ms; got.length < count && Date.now() < end; ) await sleep(20);
      expect(got.length).toBe(count);
    },
  };
}

let nextUser = 1_000_000 + Math.floor(Math.random() * 1_000_000);
const someUser = () => nextUser++;

describe('NotificationFeed', () => {
  it("tells each user's listeners exactly that user's rows, across tenants, in seq order, each once", async () => {
    const feed = newFeed();
    const tenants = [randomUUID(), randomUUID()];
    const users = tenants.flatMap((tenantId) => [someUser(), someUser(), someUser()].map((userId) => ({ tenantId, userId })));
    // The same user id in the other tenant is someone else.
    users.push({ tenantId: tenants[1]!, userId: users[0]!.userId });
    const listeners = users.map((u) => ({ ...u, a: recorder(), b: recorder() }));
    for (const l of listeners) {
      await feed.subscribe(l.tenantId, l.userId, l.a.listener);
      await feed.subscribe(l.tenantId, l.userId, l.b.listener);
    }
    // Rows written in several transactions, users interleaved, some of them dismissed at birth.
    const expected = new Map<string, string[]>(listeners.map((l) => [`${l.tenantId}:${l.userId}`, []]));
    for (let round = 0; round < 6; round++) {
      await inSystem(handle.db, async (tx) => {
        for (const [i, l] of listeners.entries()) {
          const title = `r${round}-u${i}`;
          const dismissed = (round + i) % 5 === 0;
          await insertRow(tx, l.tenantId, l.userId, title, dismissed);
          if (!dismissed) expected.get(`${l.tenantId}:${l.userId}`)!.push(title);
        }
      });
      if (round % 2 === 0) feed.wake();
    }
    for (const l of listeners) {
      const want = expected.get(`${l.tenantId}:${l.userId}`)!;
      await l.a.until(want.length);
      await l.b.until(want.length);
      expect(l.a.titles()).toEqual(want);
      expect(l.b.titles()).toEqual(want);
      const seqs = l.a.got.map((r) => r.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => (x < y ? -1 : 1)));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
  });

  it('joins where it stands: an older row is not told, a newer one is', async () => {
    const feed = newFeed();
    const tenantId = randomUUID();
    const userId = someUser();
    const older = await write(tenantId, userId, 'before');
    const r = recorder();
    const sub = await feed.subscribe(tenantId, userId, r.listener);
    expect(sub.joinedAt).toBeGreaterThanOrEqual(older);
    await write(tenantId, userId, 'after');
    await r.until(1);
    expect(r.titles()).toEqual(['after']);
  });

  it('passes over a hole left by a rolled-back write, once every transaction that could fill it has ended', async () => {
    const feed = newFeed();
    const tenantId = randomUUID();
    const userId = someUser();
    const r = recorder();
    await feed.subscribe(tenantId, userId, r.listener);
    await write(tenantId, userId, 'one');
    await inSystem(handle.db, async (tx) => {
      await insertRow(tx, tenantId, userId, 'rolled back');
      throw new Error('roll back');
    }).catch(() => {});
    await write(tenantId, userId, 'two');
    await r.until(2);
    expect(r.titles()).toEqual(['one', 'two']);
  });

  it.skipIf(!onPg)('holds back a row until a lower seq still in flight has committed, then tells both in order', async () => {
    const feed = newFeed();
    const tenantId = randomUUID();
    const userId = someUser();
    const r = recorder();
    await feed.subscribe(tenantId, userId, r.listener);
    const slow = await handle.pool!.connect();
    try {
      await slow.query('begin');
      await slow.query('set local role crm_system');
      const { rows } = await slow.query<{ seq: string }>(
        `insert into notifications (tenant_id, id, user_id, event_key, module, title, body, source_position, source_event_id, created_at)
         values ($1, $2, $3, 'test.feed', 'test', 'first, committed late', '', 0, $4, now()) returning seq::text`,
        [tenantId, randomUUID(), userId, randomUUID()],
      );
      const late = BigInt(rows[0]!.seq);
      const early = await write(tenantId, userId, 'second, committed early');
      expect(early).toBeGreaterThan(late);
      feed.wake();
      await sleep(8 * POLL_MS);
      expect(r.titles()).toEqual([]);
      await slow.query('commit');
    } finally {
      slow.release();
    }
    feed.wake();
    await r.until(2);
    expect(r.titles()).toEqual(['first, committed late', 'second, committed early']);
  });

  it('costs one read per poll whatever the number of idle listeners, and none once the last has left', async () => {
    const feed = newFeed();
    const tenantId = randomUUID();
    const subs = [];
    for (let i = 0; i < 500; i++) subs.push(await feed.subscribe(tenantId, someUser(), () => {}));
    const before = reads;
    await sleep(20 * POLL_MS);
    const perPoll = reads - before;
    // About 20 polls (timers run late on a busy machine): far below one read per listener and poll.
    expect(perPoll).toBeGreaterThan(0);
    expect(perPoll).toBeLessThanOrEqual(21);
    for (const s of subs) s.unsubscribe();
    const after = reads;
    await sleep(10 * POLL_MS);
    expect(reads).toBe(after);
  });
});
