import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from './create-db.ts';
import { asOwner, inSystem, inTenant } from './scope.ts';
import { onPg, openTestDb } from './testing.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(() => h.close());

describe(`createDb (${onPg ? 'pg' : 'PGlite'})`, () => {
  it('returns int8 and numeric as strings', async () => {
    const { rows } = await sql<{ big: unknown; n: unknown }>`select 9007199254740993::int8 as big, 1.10::numeric as n`.execute(h.db);
    expect(rows[0]).toEqual({ big: '9007199254740993', n: '1.10' });
  });

  it('runs as an app role that owns no table', async () => {
    const { rows } = await sql<{ me: string; owner: string }>`select current_user as me,
      (select tableowner from pg_tables where tablename = 'es_events') as owner`.execute(h.db);
    expect(rows[0]!.me).toBe('crm_app');
    expect(rows[0]!.owner).not.toBe('crm_app');
  });

  it('row-level security admits only the transaction tenant rows', async () => {
    const a = randomUUID();
    const b = randomUUID();
    for (const t of [a, b]) {
      await inTenant(h.db, t, (tx) =>
        sql`select * from es_append(${t}::uuid, 'probe', 's', 0, array[gen_random_uuid()], array['Probed'], array[1],
          array['{}'::jsonb], array['{"source":"system"}'::jsonb])`.execute(tx),
      );
    }
    const seenByA = await inTenant(h.db, a, (tx) =>
      tx
        .selectFrom('es_events' as never)
        .select(sql`tenant_id`.as('t'))
        .execute(),
    );
    expect(seenByA.map((r: any) => r.t)).toEqual([a]);
    // No tenant set: nothing at all, even with no WHERE clause.
    const { rows: none } = await sql`select * from es_events`.execute(h.db);
    expect(none).toEqual([]);
    // Writing another tenant's row is refused by the policy's WITH CHECK.
    await expect(
      inTenant(h.db, a, (tx) => sql`insert into es_streams values (${b}::uuid, 'probe', 'x', 1, '')`.execute(tx)),
    ).rejects.toThrow(/row-level security/);
    const { rows: all } = await inSystem(h.db, (tx) =>
      sql<{ n: string }>`select count(*)::text as n from es_events where tenant_id = any(${[a, b]}::uuid[])`.execute(tx),
    );
    expect(all[0]!.n).toBe('2');
  });

  it("never lets one transaction's rollback swallow another's write", async () => {
    const table = `lock_probe_${randomUUID().slice(0, 8)}`;
    await asOwner(h.db, (tx) => sql.raw(`create table ${table} (v int); grant all on ${table} to crm_app`).execute(tx));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const failing = h.db.transaction().execute(async (tx) => {
      await sql.raw(`insert into ${table} values (1)`).execute(tx);
      await gate;
      throw new Error('roll me back');
    });
    // Issued while the first transaction is open; on PGlite it must wait for the connection.
    const succeeding = h.db.transaction().execute(async (tx) => {
      await sql.raw(`insert into ${table} values (2)`).execute(tx);
    });
    setTimeout(release, 50);
    await expect(failing).rejects.toThrow('roll me back');
    await succeeding;
    const { rows } = await sql.raw<{ v: number }>(`select v from ${table} order by v`).execute(h.db);
    expect(rows.map((r) => r.v)).toEqual([2]);
  });
});
