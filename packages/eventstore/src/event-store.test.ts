import { randomUUID } from 'node:crypto';
import { asOwner, type DbHandle, inTenant } from '@crm/db';
import { onPg, openTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError } from './errors.ts';
import { EventStore } from './event-store.ts';
import { meta, streamWords } from './test-support.ts';
import { verifyChains } from './verify.ts';

let h: DbHandle;
const store = new EventStore({
  upcasters: { Renamed: { 1: (d: { name: string }) => ({ first: d.name.split(' ')[0], last: d.name.split(' ')[1] ?? '' }) } },
});
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(() => h.close());

const stream = () => ({ type: 'thing', id: randomUUID() });
const append = (tenant: string, s: { type: string; id: string }, expected: any, types: string[]) =>
  inTenant(h.db, tenant, (tx) =>
    store.append(
      tx,
      tenant,
      s,
      expected,
      types.map((type) => ({ type, data: { type } })),
      meta,
    ),
  );

describe(`EventStore (${onPg ? 'pg' : 'PGlite'})`, () => {
  it('appends with versions from 1 and reads the stream back in order', async () => {
    const t = randomUUID();
    const s = stream();
    const first = await append(t, s, 'no_stream', ['A', 'B']);
    const second = await append(t, s, 2, ['C']);
    expect([...first, ...second].map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(BigInt(second[0]!.globalPosition)).toBeGreaterThan(BigInt(first[1]!.globalPosition));
    const read = await inTenant(h.db, t, (tx) => store.readStream(tx, t, s));
    expect(read.map((e) => `${e.type}${e.streamVersion}`).join(' ')).toBe('A1 B2 C3');
    expect(read[0]!.metadata).toEqual(meta);
  });

  it('refuses a stale expected version and a second no_stream, writing nothing', async () => {
    const t = randomUUID();
    const s = stream();
    await append(t, s, 'no_stream', ['A']);
    await expect(append(t, s, 'no_stream', ['X'])).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(append(t, s, 5, ['X'])).rejects.toBeInstanceOf(ConcurrencyError);
    // Expecting version 1 of a stream that does not exist is stale too.
    await expect(append(t, stream(), 1, ['X'])).rejects.toBeInstanceOf(ConcurrencyError);
    const read = await inTenant(h.db, t, (tx) => store.readStream(tx, t, s));
    expect(read.map((e) => e.type)).toEqual(['A']);
  });

  it('lets exactly one of many concurrent writers at the same version win, and loses nothing', async () => {
    const t = randomUUID();
    const s = stream();
    await append(t, s, 'no_stream', ['Created']);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => append(t, s, 1, [`Write${i}`])));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const l of lost) expect(l.reason).toBeInstanceOf(ConcurrencyError);
    const read = await inTenant(h.db, t, (tx) => store.readStream(tx, t, s));
    expect(read.map((e) => e.streamVersion)).toEqual([1, 2]);
    expect(read[1]!.type).toBe((won[0] as PromiseFulfilledResult<any>).value[0].type);
  });

  it("'any' appends after whatever is there", async () => {
    const t = randomUUID();
    const s = stream();
    await append(t, s, 'any', ['A']);
    // Ten writers at once: each waits for the head, none is refused, none overwrites another.
    await Promise.all(Array.from({ length: 10 }, (_, i) => append(t, s, 'any', [`W${i}`])));
    const read = await inTenant(h.db, t, (tx) => store.readStream(tx, t, s));
    expect(read.map((e) => e.streamVersion)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(new Set(read.map((e) => e.type)).size).toBe(11);
    expect((await verifyChains(h.db, t)).breaks).toEqual([]);
  });

  it('upcasts old event shapes on read without touching the stored row', async () => {
    const t = randomUUID();
    const s = stream();
    await inTenant(h.db, t, (tx) => store.append(tx, t, s, 'no_stream', [{ type: 'Renamed', data: { name: 'Ada Lovelace' } }], meta));
    const [e] = await inTenant(h.db, t, (tx) => store.readStream(tx, t, s));
    expect(e!.data).toEqual({ first: 'Ada', last: 'Lovelace' });
    expect(e!.schemaVersion).toBe(2);
  });

  it('chains hashes per stream and finds an edited event', async () => {
    const t = randomUUID();
    const s = stream();
    await append(t, s, 'no_stream', ['A', 'B', 'C']);
    expect((await verifyChains(h.db, t)).breaks).toEqual([]);
    await asOwner(h.db, (tx) =>
      sql`update es_events set data = '{"type":"forged"}' where tenant_id = ${t} and stream_version = 2`.execute(tx),
    );
    const { breaks } = await verifyChains(h.db, t);
    expect(breaks).toEqual([
      expect.objectContaining({ streamId: s.id, streamVersion: 2, reason: 'hash_mismatch' }),
      // Event 3 still chains from the stored hash of 2, so only the forged one breaks.
    ]);
  });

  it('finds a deleted event as a version gap', async () => {
    const t = randomUUID();
    const s = stream();
    await append(t, s, 'no_stream', ['A', 'B', 'C']);
    await asOwner(h.db, (tx) => sql`delete from es_events where tenant_id = ${t} and stream_version = 2`.execute(tx));
    const { breaks } = await verifyChains(h.db, t);
    expect(breaks.map((b) => b.reason)).toContain('version_gap');
  });
});

describe('appendNow', () => {
  it('appends in one statement of its own, with the same checks and chain', async () => {
    const t = randomUUID();
    const s = stream();
    await store.appendNow(h.db, t, s, 'no_stream', [{ type: 'A', data: {} }], meta);
    await store.appendNow(
      h.db,
      t,
      s,
      1,
      [
        { type: 'B', data: {} },
        { type: 'C', data: {} },
      ],
      meta,
    );
    await expect(store.appendNow(h.db, t, s, 1, [{ type: 'X', data: {} }], meta)).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await streamWords(h.db, store, t, s)).toBe('A1 B2 C3');
    expect((await verifyChains(h.db, t)).breaks).toEqual([]);
  });

  it('cannot write into a tenant other than the one it names', async () => {
    const t = randomUUID();
    const other = randomUUID();
    // Inside another tenant's transaction the policy still holds: es_append does not switch tenants.
    await expect(
      inTenant(h.db, other, (tx) => store.append(tx, t, stream(), 'no_stream', [{ type: 'A', data: {} }], meta)),
    ).rejects.toThrow(/row-level security/);
  });
});
