import { asOwner } from '@crm/db';
import { useTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { runWrites, type TableWrite } from './projection.ts';

const h = useTestDb();

describe('runWrites', () => {
  it('writes several tables in one statement and still runs a second write to one table after the first', async () => {
    const a = `rw_a_${Math.random().toString(36).slice(2, 8)}`;
    const b = `rw_b_${Math.random().toString(36).slice(2, 8)}`;
    const found = await asOwner(h.db, async (tx) => {
      await sql.raw(`create table ${a} (id int primary key, v text); create table ${b} (id int primary key)`).execute(tx);
      const writes: TableWrite[] = [
        { table: a, statement: sql`insert into ${sql.table(a)} values (1, 'one'), (2, 'two')` },
        { table: b, statement: sql`insert into ${sql.table(b)} values (10)` },
        // In the same statement as the insert above this delete would see neither row, and both would stay.
        { table: a, statement: sql`delete from ${sql.table(a)} where id = 2` },
        { table: b, statement: sql`insert into ${sql.table(b)} select id + 1 from ${sql.table(b)}` },
      ];
      await runWrites(tx, writes);
      return {
        a: (await sql.raw<{ id: number; v: string }>(`select * from ${a} order by id`).execute(tx)).rows,
        b: (await sql.raw<{ id: number }>(`select id from ${b} order by id`).execute(tx)).rows.map((r) => r.id),
      };
    });
    expect(found).toEqual({ a: [{ id: 1, v: 'one' }], b: [10, 11] });
  });
});
