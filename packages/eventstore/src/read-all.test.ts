import { randomUUID } from 'node:crypto';
import { type DbHandle, inSystem, inTenant } from '@crm/db';
import { onPg, openTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from './event-store.ts';
import { meta } from './test-support.ts';
import { type Checkpoint, START, type StoredEvent } from './types.ts';

let h: DbHandle;
const store = new EventStore();

/**
 * Reads from a checkpoint until `n` events have come. On pg the snapshot horizon is cluster-wide:
 * a transaction open in another test file's database (or any other) holds readers back, by design.
 */
async function readUntil(tenantId: string, after: Checkpoint, n: number, limit = 1000) {
  const events: StoredEvent[] = [];
  let checkpoint = after;
  for (let i = 0; i < 1200 && events.length < n; i++) {
    const page = await inSystem(h.db, (tx) => store.readAll(tx, { after: checkpoint, limit, tenantId }));
    events.push(...page.events);
    checkpoint = page.checkpoint;
    if (page.events.length === 0) await new Promise((r) => setTimeout(r, 25));
  }
  return { events, checkpoint };
}
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(() => h.close());

describe('readAll', () => {
  it('pages through a tenant’s events from a checkpoint', async () => {
    const t = randomUUID();
    for (let i = 0; i < 5; i++) {
      await inTenant(h.db, t, (tx) => store.append(tx, t, { type: 'x', id: String(i) }, 'no_stream', [{ type: 'E', data: { i } }], meta));
    }
    const { events, checkpoint } = await readUntil(t, START, 5, 2);
    expect(events.map((e) => e.data)).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    // Nothing more after the last checkpoint.
    const rest = await inSystem(h.db, (tx) => store.readAll(tx, { after: checkpoint, tenantId: t }));
    expect(rest.events).toEqual([]);
  });

  // PGlite has one connection, so two transactions can never be open at once there: this race
  // only exists, and can only be tested, on a real server.
  it.runIf(onPg)('never skips an event whose transaction commits after a later one (pg)', async () => {
    const t = randomUUID();
    const early = await h.db.startTransaction().execute();
    await sql`select set_config('app.tenant_id', ${t}, true)`.execute(early);
    const [slow] = await store.append(early, t, { type: 'x', id: 'slow' }, 'no_stream', [{ type: 'Slow', data: {} }], meta);

    // A second transaction takes a higher position and commits first.
    const [fast] = await inTenant(h.db, t, (tx) =>
      store.append(tx, t, { type: 'x', id: 'fast' }, 'no_stream', [{ type: 'Fast', data: {} }], meta),
    );
    expect(BigInt(fast!.globalPosition)).toBeGreaterThan(BigInt(slow!.globalPosition));

    // A reader ordering by position alone would now see Fast, checkpoint past Slow, and lose it.
    const naive = await inSystem(h.db, (tx) =>
      sql<{ event_type: string }>`select event_type from es_events where tenant_id = ${t} order by global_position`.execute(tx),
    );
    expect(naive.rows.map((r) => r.event_type)).toEqual(['Fast']);

    // The checkpointed reader holds back until the older transaction is done.
    const before = await inSystem(h.db, (tx) => store.readAll(tx, { after: START, tenantId: t }));
    expect(before.events.map((e) => e.type)).toEqual([]);

    await early.commit().execute();
    const after = await readUntil(t, before.checkpoint, 2);
    expect(after.events.map((e) => e.type)).toEqual(['Slow', 'Fast']);
  });
});
