import { randomUUID } from 'node:crypto';
import { asOwner, type DbHandle, inSystem, inTenant } from '@crm/db';
import { onPg, openTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsyncProjectionRunner } from './async-runner.ts';
import { EventStore } from './event-store.ts';
import type { Projection } from './projection.ts';
import { rebuildProjections } from './rebuild.ts';
import { counterProjection, meta } from './test-support.ts';

// Rebuilds swap tables, so this file gets a database of its own on pg.
let h: DbHandle;
let table: string;
let projection: Projection;
let store: EventStore;
beforeAll(async () => {
  h = await openTestDb({ isolated: true });
  ({ table, projection } = await counterProjection(h.db));
  store = new EventStore({ inlineProjections: [projection] });
});
afterAll(() => h.close());

const count = (tenant: string, stream: string, types: string[]) =>
  inTenant(h.db, tenant, (tx) =>
    store.append(
      tx,
      tenant,
      { type: 'c', id: stream },
      'any',
      types.map((type) => ({ type, data: {} })),
      meta,
    ),
  );
const rows = (tenant: string) =>
  inTenant(h.db, tenant, async (tx) => (await sql.raw<any>(`select id, n, last_type from ${table} order by id`).execute(tx)).rows);

describe(`projections (${onPg ? 'pg' : 'PGlite'})`, () => {
  it('runs inline, in the append transaction', async () => {
    const t = randomUUID();
    await count(t, 'a', ['Counted', 'Counted']);
    await count(t, 'b', ['Counted']);
    await count(t, 'b', ['Reset']);
    expect(await rows(t)).toEqual([{ id: 'a', n: 2, last_type: 'Counted' }]);
    // A failing transaction takes its projection rows with it.
    await expect(
      inTenant(h.db, t, async (tx) => {
        await store.append(tx, t, { type: 'c', id: 'a' }, 'any', [{ type: 'Counted', data: {} }], meta);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await rows(t)).toEqual([{ id: 'a', n: 2, last_type: 'Counted' }]);
  });

  it('rebuilds from position 0 into a shadow that equals the live table, and notices a drifted one', async () => {
    const t = randomUUID();
    for (let i = 0; i < 30; i++) await count(t, `s${i % 7}`, i % 11 === 10 ? ['Reset'] : ['Counted']);
    const clean = await rebuildProjections(h.db, [projection], { swap: false, batchSize: 4 });
    expect(clean.differences[table]).toEqual({ onlyLive: 0, onlyRebuilt: 0 });
    expect(clean.events).toBeGreaterThanOrEqual(30);

    await asOwner(h.db, (tx) => sql.raw(`update ${table} set n = n + 100 where id = 's1'`).execute(tx));
    const drifted = await rebuildProjections(h.db, [projection], { swap: false });
    expect(drifted.differences[table]).toEqual({ onlyLive: 1, onlyRebuilt: 1 });
  });

  it('swaps a rebuilt table in, with row-level security back on', async () => {
    const t = randomUUID();
    const other = randomUUID();
    await count(t, 'x', ['Counted', 'Counted', 'Counted']);
    await count(other, 'y', ['Counted']);
    await asOwner(h.db, (tx) => sql.raw(`delete from ${table}`).execute(tx)); // the live model is lost
    await rebuildProjections(h.db, [projection], { swap: true });
    expect(await rows(t)).toEqual(expect.arrayContaining([{ id: 'x', n: 3, last_type: 'Counted' }]));
    expect((await rows(t)).map((r: any) => r.id)).not.toContain('y');
    // And appends keep projecting into the swapped-in table.
    await count(t, 'x', ['Counted']);
    expect((await rows(t)).find((r: any) => r.id === 'x')).toEqual({ id: 'x', n: 4, last_type: 'Counted' });
  });

  it('runs behind the log from a checkpoint stored with its rows', async () => {
    const { table: asyncTable, projection: asyncProjection } = await counterProjection(h.db);
    const plain = new EventStore();
    const t = randomUUID();
    for (let i = 0; i < 5; i++) {
      await inTenant(h.db, t, (tx) => plain.append(tx, t, { type: 'c', id: 'z' }, 'any', [{ type: 'Counted', data: {} }], meta));
    }
    const runner = new AsyncProjectionRunner(h.db, plain, asyncProjection, { batchSize: 2 });
    const read = () =>
      inSystem(
        h.db,
        async (tx) => (await sql.raw<any>(`select n from ${asyncTable} where id = 'z' and tenant_id = '${t}'`).execute(tx)).rows,
      );
    // On pg the snapshot xmin is cluster-wide: a transaction open anywhere (another test file's
    // database) holds readers back until it ends. Waiting is the price of never skipping.
    const caughtUpTo = async (n: number) => {
      for (let i = 0; i < 600; i++) {
        await runner.catchUp();
        if ((await read())[0]?.n === n) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await caughtUpTo(5);
    expect(await read()).toEqual([{ n: 5 }]);
    expect(await runner.runOnce()).toBe(0);
    await inTenant(h.db, t, (tx) => plain.append(tx, t, { type: 'c', id: 'z' }, 'any', [{ type: 'Counted', data: {} }], meta));
    await caughtUpTo(6);
    expect(await read()).toEqual([{ n: 6 }]);
    // Applied once each: the checkpoint moved with the rows.
    expect(await runner.catchUp()).toBe(0);
  });
});
