import { randomUUID } from 'node:crypto';
import { inTenant } from '@crm/db';
import { onPg, useTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { EventCodec } from './codec.ts';
import { ConcurrencyError } from './errors.ts';
import { EventStore, type StreamAppend } from './event-store.ts';
import type { Projection } from './projection.ts';
import { meta } from './test-support.ts';
import type { StoredEvent } from './types.ts';
import { verifyChains } from './verify.ts';

// An inline projection that records what it was given, to show appendMany runs them over the lot.
const seen: StoredEvent[][] = [];
const recorder: Projection = {
  name: 'recorder',
  tables: [],
  handles: ['A', 'B'],
  async apply(_tx, events) {
    seen.push(events);
  },
};
const store = new EventStore({ inlineProjections: [recorder] });
const h = useTestDb();

const stream = () => ({ type: 'thing', id: randomUUID() });
const ev = (type: string, n = 0) => ({ type, data: { type, n } });
/** One appendMany of tenant `t` in a transaction of its own, through `via` (the store above unless given). */
const appendMany = (t: string, appends: StreamAppend[], via: EventStore = store) =>
  inTenant(h.db, t, (tx) => via.appendMany(tx, t, appends, meta));

describe(`appendMany: several streams in one statement (${onPg ? 'pg' : 'PGlite'})`, () => {
  it('appends to every stream at its own version, in one transaction, and projects them together', async () => {
    const t = randomUUID();
    const [a, b, c] = [stream(), stream(), stream()];
    await inTenant(h.db, t, (tx) => store.append(tx, t, a, 'no_stream', [ev('A')], meta));
    seen.length = 0;
    const out = await appendMany(t, [
      { stream: a, expected: 1, events: [ev('B', 1)] },
      { stream: b, expected: 'no_stream', events: [ev('A', 2), ev('B', 3)] },
      { stream: c, expected: 'no_stream', events: [] },
    ]);
    expect(out.map((events) => events.map((e) => [e.streamId, e.streamVersion, e.type]))).toEqual([
      [[a.id, 2, 'B']],
      [
        [b.id, 1, 'A'],
        [b.id, 2, 'B'],
      ],
      [],
    ]);
    // One projection call over all three events, not one per stream.
    expect(seen.map((events) => events.length)).toEqual([3]);
    const read = await inTenant(h.db, t, (tx) => store.readStream(tx, t, b));
    expect(read.map((e) => [e.eventId, e.hash])).toEqual(out[1]!.map((e) => [e.eventId, e.hash]));
    expect(new Set(out.flat().map((e) => e.transactionId)).size).toBe(1);
    const chains = await verifyChains(h.db, t);
    expect([chains.events, chains.breaks]).toEqual([4, []]);
  });

  it('throws ConcurrencyError for a stale stream, and the rolled-back transaction keeps nothing', async () => {
    const t = randomUUID();
    const [a, b] = [stream(), stream()];
    await inTenant(h.db, t, (tx) => store.append(tx, t, a, 'no_stream', [ev('A')], meta));
    await expect(
      appendMany(t, [
        { stream: b, expected: 'no_stream', events: [ev('A')] },
        { stream: a, expected: 7, events: [ev('B')] },
      ]),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    const { rows } = await inTenant(h.db, t, (tx) =>
      sql<{ n: number }>`select count(*)::int as n from es_events where tenant_id = ${t}`.execute(tx),
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('refuses the same stream twice', async () => {
    const t = randomUUID();
    const a = stream();
    await expect(
      appendMany(t, [
        { stream: a, expected: 'no_stream', events: [ev('A')] },
        { stream: a, expected: 1, events: [ev('B')] },
      ]),
    ).rejects.toThrow(/once/);
  });
});

describe('appendMany through a recording store (what runCommand announces after commit)', () => {
  it('records every event of every stream once, whether one stream or several', async () => {
    const t = randomUUID();
    const sink: StoredEvent[] = [];
    const recording = store.recording(sink);
    await appendMany(
      t,
      [
        { stream: stream(), expected: 'no_stream', events: [ev('A'), ev('B')] },
        { stream: stream(), expected: 'no_stream', events: [ev('A')] },
      ],
      recording,
    );
    expect(sink.map((e) => e.type)).toEqual(['A', 'B', 'A']);
    sink.length = 0;
    await appendMany(t, [{ stream: stream(), expected: 'no_stream', events: [ev('B')] }], recording);
    expect(sink.map((e) => e.type)).toEqual(['B']);
  });
});

// A codec that stores events of type S with their data hidden in one opaque string: enough to tell
// the stored form from the given one (the domain's seals with AES-GCM under per-subject keys).
const hidden: EventCodec = {
  handles: new Set(['S']),
  async seal(_tx, _tenantId, _stream, events) {
    return events.map((e) => (e.type === 'S' ? { ...e, data: { hidden: Buffer.from(JSON.stringify(e.data)).toString('base64') } } : e));
  },
  async open(_tx, rows) {
    return rows.map((r) =>
      r.event_type === 'S' ? { ...r, data: JSON.parse(Buffer.from((r.data as { hidden: string }).hidden, 'base64').toString()) } : r,
    );
  },
};

describe('append and appendMany with a codec: one way of sealing', () => {
  const projected: StoredEvent[] = [];
  const sealing = new EventStore({
    codec: hidden,
    inlineProjections: [
      { name: 'sealed-recorder', tables: [], handles: ['S', 'A'], apply: async (_tx, events) => void projected.push(...events) },
    ],
  });
  const storedData = (t: string) =>
    inTenant(h.db, t, (tx) =>
      sql<{
        event_type: string;
        data: unknown;
      }>`select event_type, data from es_events where tenant_id = ${t} order by global_position`.execute(tx),
    ).then((r) => r.rows.map((row) => [row.event_type, row.data]));

  it('stores the sealed form and gives projections, the caller and a read the data as given, one stream or several', async () => {
    const t = randomUUID();
    const [a, b, c] = [stream(), stream(), stream()];
    projected.length = 0;
    const one = await inTenant(h.db, t, (tx) => sealing.append(tx, t, a, 'no_stream', [ev('S', 1)], meta));
    const many = await appendMany(
      t,
      [
        { stream: b, expected: 'no_stream', events: [ev('S', 2), ev('A', 3)] },
        // A stream the codec handles nothing of is written as given.
        { stream: c, expected: 'no_stream', events: [ev('A', 4)] },
      ],
      sealing,
    );
    const given = (n: number, type = 'S') => ({ type, n });
    expect([...one, ...many.flat()].map((e) => e.data)).toEqual([given(1), given(2), given(3, 'A'), given(4, 'A')]);
    expect(projected.map((e) => e.data)).toEqual([given(1), given(2), given(3, 'A'), given(4, 'A')]);
    const seal = (n: number) => ({ hidden: Buffer.from(JSON.stringify(given(n))).toString('base64') });
    expect(await storedData(t)).toEqual([
      ['S', seal(1)],
      ['S', seal(2)],
      ['A', given(3, 'A')],
      ['A', given(4, 'A')],
    ]);
    const read = await inTenant(h.db, t, (tx) => sealing.readStream(tx, t, b));
    expect(read.map((e) => e.data)).toEqual([given(2), given(3, 'A')]);
    expect((await verifyChains(h.db, t)).breaks).toEqual([]);
  });
});
