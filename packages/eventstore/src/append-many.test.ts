import { randomUUID } from 'node:crypto';
import { type DbHandle, inTenant } from '@crm/db';
import { onPg, openTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyError } from './errors.ts';
import { EventStore } from './event-store.ts';
import type { Projection } from './projection.ts';
import { meta } from './test-support.ts';
import type { StoredEvent } from './types.ts';
import { verifyChains } from './verify.ts';

let h: DbHandle;
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
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(() => h.close());

const stream = () => ({ type: 'thing', id: randomUUID() });
const ev = (type: string, n = 0) => ({ type, data: { type, n } });

describe(`appendMany: several streams in one statement (${onPg ? 'pg' : 'PGlite'})`, () => {
  it('appends to every stream at its own version, in one transaction, and projects them together', async () => {
    const t = randomUUID();
    const [a, b, c] = [stream(), stream(), stream()];
    await inTenant(h.db, t, (tx) => store.append(tx, t, a, 'no_stream', [ev('A')], meta));
    seen.length = 0;
    const out = await inTenant(h.db, t, (tx) =>
      store.appendMany(
        tx,
        t,
        [
          { stream: a, expected: 1, events: [ev('B', 1)] },
          { stream: b, expected: 'no_stream', events: [ev('A', 2), ev('B', 3)] },
          { stream: c, expected: 'no_stream', events: [] },
        ],
        meta,
      ),
    );
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
      inTenant(h.db, t, (tx) =>
        store.appendMany(
          tx,
          t,
          [
            { stream: b, expected: 'no_stream', events: [ev('A')] },
            { stream: a, expected: 7, events: [ev('B')] },
          ],
          meta,
        ),
      ),
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
      inTenant(h.db, t, (tx) =>
        store.appendMany(
          tx,
          t,
          [
            { stream: a, expected: 'no_stream', events: [ev('A')] },
            { stream: a, expected: 1, events: [ev('B')] },
          ],
          meta,
        ),
      ),
    ).rejects.toThrow(/once/);
  });
});

describe('appendMany through a recording store (what runCommand announces after commit)', () => {
  it('records every event of every stream once, whether one stream or several', async () => {
    const t = randomUUID();
    const sink: StoredEvent[] = [];
    const recording = store.recording(sink);
    await inTenant(h.db, t, (tx) =>
      recording.appendMany(
        tx,
        t,
        [
          { stream: stream(), expected: 'no_stream', events: [ev('A'), ev('B')] },
          { stream: stream(), expected: 'no_stream', events: [ev('A')] },
        ],
        meta,
      ),
    );
    expect(sink.map((e) => e.type)).toEqual(['A', 'B', 'A']);
    sink.length = 0;
    await inTenant(h.db, t, (tx) => recording.appendMany(tx, t, [{ stream: stream(), expected: 'no_stream', events: [ev('B')] }], meta));
    expect(sink.map((e) => e.type)).toEqual(['B']);
  });
});
