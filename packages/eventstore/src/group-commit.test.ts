import { randomUUID } from 'node:crypto';
import { type DbHandle, inTenant } from '@crm/db';
import { onPg, openTestDb } from '@crm/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError } from './errors.ts';
import { EventStore } from './event-store.ts';
import { meta, streamWords } from './test-support.ts';
import { verifyChains } from './verify.ts';

let h: DbHandle;
// One batch in flight: every append that arrives while it commits waits for the next, grouped one.
const store = new EventStore({ groupCommit: { maxInFlight: 1, maxEvents: 64 } });
const single = new EventStore({ groupCommit: false });
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(() => h.close());

const stream = () => ({ type: 'thing', id: randomUUID() });
const ev = (type: string, n = 0) => ({ type, data: { type, n, nested: { b: 2, a: [1, 'x'] } } });

describe(`group commit of appendNow (${onPg ? 'pg' : 'PGlite'})`, () => {
  it('commits concurrent appends together, each with its own versions, positions and a valid chain', async () => {
    const t = randomUUID();
    const streams = Array.from({ length: 12 }, stream);
    const first = await Promise.all(streams.map((s, i) => store.appendNow(h.db, t, s, 'no_stream', [ev('A', i), ev('B', i)], meta)));
    const second = await Promise.all(streams.map((s, i) => store.appendNow(h.db, t, s, 2, [ev('C', i)], meta)));
    const third = await Promise.all(streams.map((s, i) => store.appendNow(h.db, t, s, 'any', [ev('D', i)], meta)));
    for (const [i, s] of streams.entries()) {
      expect(first[i]!.map((e) => [e.streamId, e.streamVersion, e.type])).toEqual([
        [s.id, 1, 'A'],
        [s.id, 2, 'B'],
      ]);
      expect(second[i]!.map((e) => e.streamVersion)).toEqual([3]);
      expect(third[i]!.map((e) => e.streamVersion)).toEqual([4]);
      const read = await inTenant(h.db, t, (tx) => store.readStream(tx, t, s));
      expect(read.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
      // What the caller got back is what a reader reads.
      expect(read.map((e) => [e.globalPosition, e.hash, e.eventId, e.data])).toEqual(
        [...first[i]!, ...second[i]!, ...third[i]!].map((e) => [e.globalPosition, e.hash, e.eventId, e.data]),
      );
    }
    // Later requests got later positions in one batch, in the order they were made.
    const positions = second.map((r) => BigInt(r[0]!.globalPosition));
    expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
    // Fewer transactions than appends: they were grouped.
    expect(new Set(second.map((r) => r[0]!.transactionId)).size).toBeLessThan(streams.length);
    const chains = await verifyChains(h.db, t);
    expect(chains.events).toBe(48);
    expect(chains.breaks).toEqual([]);
  });

  it('refuses only the stale appends of a batch', async () => {
    const t = randomUUID();
    const streams = Array.from({ length: 8 }, stream);
    await Promise.all(streams.map((s) => store.appendNow(h.db, t, s, 'no_stream', [ev('A')], meta)));
    // Even streams at the right version, odd ones at a stale one, and a second no_stream.
    const results = await Promise.allSettled([
      ...streams.map((s, i) => store.appendNow(h.db, t, s, i % 2 === 0 ? 1 : 5, [ev('B')], meta)),
      store.appendNow(h.db, t, streams[1]!, 'no_stream', [ev('X')], meta),
    ]);
    expect(results.map((r) => r.status)).toEqual([...streams.map((_, i) => (i % 2 === 0 ? 'fulfilled' : 'rejected')), 'rejected']);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
    for (const [i, s] of streams.entries()) {
      const read = await inTenant(h.db, t, (tx) => store.readStream(tx, t, s));
      expect(read.map((e) => e.type)).toEqual(i % 2 === 0 ? ['A', 'B'] : ['A']);
    }
    expect((await verifyChains(h.db, t)).breaks).toEqual([]);
  });

  it('appends to one stream twice in a row, never both in one statement', async () => {
    const t = randomUUID();
    const s = stream();
    const results = await Promise.allSettled([
      store.appendNow(h.db, t, stream(), 'no_stream', [ev('Z')], meta),
      store.appendNow(h.db, t, s, 'any', [ev('A')], meta),
      store.appendNow(h.db, t, s, 'any', [ev('B')], meta),
      store.appendNow(h.db, t, s, 'any', [ev('C')], meta),
    ]);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(await streamWords(h.db, store, t, s)).toBe('A1 B2 C3');
    expect((await verifyChains(h.db, t)).breaks).toEqual([]);
  });

  it('keeps tenants apart: a batch is one tenant, row-level security holds for each', async () => {
    const [t1, t2] = [randomUUID(), randomUUID()];
    const s1 = stream();
    const s2 = stream();
    await Promise.all([
      store.appendNow(h.db, t1, stream(), 'no_stream', [ev('W')], meta),
      store.appendNow(h.db, t1, s1, 'no_stream', [ev('A')], meta),
      store.appendNow(h.db, t2, s2, 'no_stream', [ev('B')], meta),
      store.appendNow(h.db, t1, stream(), 'no_stream', [ev('A')], meta),
    ]);
    expect((await inTenant(h.db, t1, (tx) => store.readStream(tx, t1, s1))).map((e) => e.tenantId)).toEqual([t1]);
    expect(await inTenant(h.db, t1, (tx) => store.readStream(tx, t1, s2))).toEqual([]);
    expect((await inTenant(h.db, t2, (tx) => store.readStream(tx, t2, s2))).map((e) => e.tenantId)).toEqual([t2]);
  });

  it('a batch the database refuses is retried append by append: only the bad one fails', async () => {
    const t = randomUUID();
    const streams = Array.from({ length: 6 }, stream);
    const results = await Promise.allSettled([
      store.appendNow(h.db, t, stream(), 'no_stream', [ev('W')], meta),
      ...streams.map((s, i) => store.appendNow(h.db, t, s, 'no_stream', [i === 3 ? { ...ev('Bad'), id: 'not-a-uuid' } : ev('A')], meta)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', ...streams.map((_, i) => (i === 3 ? 'rejected' : 'fulfilled'))]);
    for (const [i, s] of streams.entries()) {
      const read = await inTenant(h.db, t, (tx) => store.readStream(tx, t, s));
      expect(read.map((e) => e.type)).toEqual(i === 3 ? [] : ['A']);
    }
    expect((await verifyChains(h.db, t)).breaks).toEqual([]);
  });

  it('stores the same hashes grouped as alone (one definition of the chain)', async () => {
    const t = randomUUID();
    const [a, b] = [stream(), stream()];
    const id = randomUUID();
    await Promise.all([
      store.appendNow(h.db, t, stream(), 'no_stream', [ev('W')], meta),
      store.appendNow(h.db, t, a, 'no_stream', [{ ...ev('A'), id }], meta),
    ]);
    await single.appendNow(h.db, t, b, 'no_stream', [{ ...ev('A'), id: randomUUID() }], meta);
    const verified = await verifyChains(h.db, t);
    expect(verified.events).toBe(3);
    expect(verified.breaks).toEqual([]);
  });
});
