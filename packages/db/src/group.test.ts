import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DbHandle } from './create-db.ts';
import { GroupAbortedError, TenantGroups } from './group.ts';
import { asOwner, inTenant } from './scope.ts';
import { onPg, openTestDb } from './testing.ts';

let h: DbHandle;
const table = `group_test_${randomUUID().slice(0, 8)}`;
beforeAll(async () => {
  h = await openTestDb();
  await asOwner(h.db, async (tx) => {
    await sql.raw(`create table ${table} (tenant_id uuid not null, id text primary key, n int not null)`).execute(tx);
    await sql`select crm_enable_tenant_rls(${table}::regclass)`.execute(tx);
  });
});
afterAll(async () => {
  await asOwner(h.db, (tx) => sql.raw(`drop table if exists ${table}`).execute(tx));
  await h.close();
});

const insert =
  (tenant: string, id: string, n = 1) =>
  async (tx: any) => {
    await sql`insert into ${sql.table(table)} (tenant_id, id, n) values (${tenant}, ${id}, ${n})`.execute(tx);
    const { rows } = await sql<{ xid: string }>`select pg_current_xact_id()::text as xid`.execute(tx);
    return rows[0]!.xid;
  };
const ids = (tenant: string) =>
  inTenant(h.db, tenant, async (tx) =>
    (await sql<{ id: string }>`select id from ${sql.table(table)} order by id`.execute(tx)).rows.map((r) => r.id),
  );

describe(`TenantGroups (${onPg ? 'pg' : 'PGlite'})`, () => {
  it('commits units that arrive together in one transaction, each answered with its own result', async () => {
    const groups = new TenantGroups(h.db, { lanes: 1 });
    const t = randomUUID();
    const xids = await Promise.all(Array.from({ length: 10 }, (_, i) => groups.run(t, insert(t, `${t}-${String(i).padStart(2, '0')}`))));
    expect(await ids(t)).toEqual(Array.from({ length: 10 }, (_, i) => `${t}-${String(i).padStart(2, '0')}`));
    // All were queued before the one lane took its first: they shared its transaction.
    expect(new Set(xids).size).toBe(1);
  });

  it('opens one connection for one waiting unit, however many lanes are free', async () => {
    // A lane that found the queue emptied by the others once connected used to send a COMMIT with
    // no transaction: a connection and a round trip for nothing, for each idle lane.
    const groups = new TenantGroups(h.db, { lanes: 8 });
    const t = randomUUID();
    const connection = vi.spyOn(h.db, 'connection');
    try {
      await groups.run(t, insert(t, `${t}-alone`));
      expect(connection).toHaveBeenCalledTimes(1);
      // Three at once: at most three connections, and every unit done.
      connection.mockClear();
      await Promise.all(['x', 'y', 'z'].map((k) => groups.run(t, insert(t, `${t}-${k}`))));
      expect(connection.mock.calls.length).toBeLessThanOrEqual(3);
      expect(await ids(t)).toEqual([`${t}-alone`, `${t}-x`, `${t}-y`, `${t}-z`]);
    } finally {
      connection.mockRestore();
    }
  });

  it('rolls back a failing unit only: the others of its group commit', async () => {
    const groups = new TenantGroups(h.db, { lanes: 1 });
    const t = randomUUID();
    await inTenant(h.db, t, insert(t, `${t}-taken`));
    const results = await Promise.allSettled([
      groups.run(t, insert(t, `${t}-a`)),
      groups.run(t, insert(t, `${t}-b`)),
      groups.run(t, insert(t, `${t}-taken`)), // unique violation
      groups.run(t, async (tx) => {
        await insert(t, `${t}-c`)(tx);
        throw new Error('refused after writing');
      }),
      groups.run(t, insert(t, `${t}-d`)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[3] as PromiseRejectedResult).reason.message).toBe('refused after writing');
    expect(await ids(t)).toEqual([`${t}-a`, `${t}-b`, `${t}-d`, `${t}-taken`].sort());
  });

  it("sets each unit's own tenant: row-level security keeps a group's tenants apart", async () => {
    const groups = new TenantGroups(h.db, { lanes: 1 });
    const [t1, t2] = [randomUUID(), randomUUID()];
    const seen = await Promise.all([
      groups.run(t1, insert(t1, `${t1}-x`)),
      groups.run(t1, insert(t1, `${t1}-y`)),
      groups.run(t2, async (tx) => (await sql<{ id: string }>`select id from ${sql.table(table)}`.execute(tx)).rows.map((r) => r.id)),
      // Writing another tenant's row is refused by the policy, and only this unit fails.
      groups.run(t2, insert(t1, `${t1}-forged`)).catch((e: Error) => e),
      groups.run(t2, insert(t2, `${t2}-z`)),
    ]);
    expect(seen[2]).toEqual([]);
    expect(seen[3]).toBeInstanceOf(Error);
    expect(await ids(t1)).toEqual([`${t1}-x`, `${t1}-y`]);
    expect(await ids(t2)).toEqual([`${t2}-z`]);
  });

  it('units of a group see the writes of the units before them', async () => {
    const groups = new TenantGroups(h.db, { lanes: 1 });
    const t = randomUUID();
    const counts = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        groups.run(t, async (tx) => {
          await insert(t, `${t}-${i}`)(tx);
          return Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(tx)).rows[0]!.n);
        }),
      ),
    );
    expect(counts).toEqual([1, 2, 3, 4, 5]);
  });

  it('a group that cannot commit leaves nothing written and tells its units they may run again', async () => {
    const groups = new TenantGroups(h.db, { lanes: 1 });
    const t = randomUUID();
    const results = await Promise.allSettled([
      groups.run(t, insert(t, `${t}-first`)),
      groups.run(t, insert(t, `${t}-a`)),
      // Breaks the whole transaction: a savepoint released by hand cannot be rolled back to.
      groups.run(t, async (tx) => {
        await sql.raw('release savepoint crm_unit').execute(tx);
        throw new Error('broke the group');
      }),
      groups.run(t, insert(t, `${t}-b`)),
    ]);
    // The units before the break had succeeded, but their group never committed.
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(GroupAbortedError);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(GroupAbortedError);
    expect((results[2] as PromiseRejectedResult).reason.message).toBe('broke the group');
    // The unit after the break ran in a group of its own.
    expect(results[3]!.status).toBe('fulfilled');
    expect(await ids(t)).toEqual([`${t}-b`]);
  });

  it('refuses an id that is not a tenant id', async () => {
    const groups = new TenantGroups(h.db);
    await expect(groups.run("x'; drop table users; --", async () => 1)).rejects.toThrow(/not a tenant id/);
  });
});
