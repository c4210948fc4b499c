import { randomUUID } from 'node:crypto';
import { type DbHandle, inSystem, inTenant } from '@crm/db';
import { onPg, openTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from './event-store.ts';
import { meta } from './test-support.ts';
import { START } from './types.ts';

let h: DbHandle;
const store = new EventStore();
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
    const seen: number[] = [];
    let checkpoint = START;
    for (;;) {
      const page = await inSystem(h.db, (tx) => store.readAll(tx, { after: checkpoint, limit: 2, tenantId: t }));
      if (page.events.length === 0) break;
      seen.push(...page.events.map((e) => e.data.i));
      checkpoint = page.checkpoint;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  // PGlite has one connection, so two transactions can never be open at once there: this race
  // only exists, and can only be tested, on a real server.
  it.runIf(onPg)('never skips an event whose transaction commits after a later one (pg)', async () => {
    const t = randomUUID();
    const early = await h.db.startTransaction().execute();
    await sql`select set_config('app.tenant_id', ${t}, true)`.execute(early);
    const [slow] = await store.append(early, t, { type: 'x', id: 'slow' }, 'no_stream', [{ type: 'Slow', data: {} }], meta);

    // A second transaction takes a higher position and commits first.
    const [fast] = await inTenant(h.db, t, (tx) => store.append(tx, t, { type: 'x', id: 'fast' }, 'no_stream', [{ type: 'Fast', data: {} }], meta));
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
    const after = await inSystem(h.db, (tx) => store.readAll(tx, { after: before.checkpoint, tenantId: t }));
    expect(after.events.map((e) => e.type)).toEqual(['Slow', 'Fast']);
  });
});
