import { asOwner, type DbHandle } from '@crm/db';
import { openTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnTypes, insertRows, prepareInsert } from './bulk-insert.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(() => h.close());

const probeTable = () => `bulk_probe_${Math.random().toString(36).slice(2, 8)}`;
type Found = Record<string, unknown>;

describe('insertRows', () => {
  it('stores awkward text, JSON, numbers, dates and NULLs exactly', async () => {
    const table = probeTable();
    const rows = [
      { id: 1, t: 'plain', j: { a: 1 }, n: '12.50', at: new Date('2026-01-02T03:04:05.678Z'), b: true },
      { id: 2, t: 'quote " and back\\slash', j: { s: 'he said "hi" \\ {x,y}' }, n: '0.00', at: null, b: false },
      { id: 3, t: '{braces},commas,"NULL"', j: ['x', null, 2], n: null, at: new Date(0), b: null },
      { id: 4, t: 'NULL', j: null, n: '-1.25', at: null, b: true },
      { id: 5, t: 'ünïcödé ✓ 日本', j: { 'k"ey': 'v\nline' }, n: '1', at: null, b: false },
      { id: 6, t: '', j: {}, n: '3', at: null, b: false },
      // What COPY's text format gives a meaning to: tab, newline, carriage return, backslash, \N.
      { id: 7, t: 'tab\there\nnew line\r\nand \\N and \\t', j: { 'ta\tb': 'c:\\dir\\n', s: '\\N' }, n: '2', at: null, b: true },
      { id: 8, t: '\\N', j: '\\', n: '4', at: null, b: false },
      { id: 9, t: '\\', j: 'plain string', n: '5', at: null, b: false },
    ];
    const found = await asOwner(h.db, async (tx) => {
      await sql.raw(`create table ${table} (id int primary key, t text, j jsonb, n numeric(10,2), at timestamptz, b boolean)`).execute(tx);
      await insertRows(tx, table, rows, 4); // three chunks
      return (await sql.raw<Found>(`select * from ${table} order by id`).execute(tx)).rows;
    });
    expect(found).toEqual(rows.map((r) => ({ ...r, n: r.n === null ? null : Number(r.n).toFixed(2) })));
  });

  it('sends the rows by COPY on PostgreSQL and by INSERT on PGlite, inside the caller transaction', async () => {
    const table = probeTable();
    const statements = await asOwner(h.db, async (tx) => {
      await sql
        .raw(`create table ${table} (id int, t text);
          create table ${table}_log (statement text);
          create function ${table}_log() returns trigger language plpgsql as
            $$ begin insert into ${table}_log values (current_query()); return new; end $$;
          create trigger ${table}_log after insert on ${table} for each statement execute function ${table}_log();`)
        .execute(tx);
      await sql.raw(`set local search_path = pg_temp, public`).execute(tx);
      await insertRows(
        tx,
        table,
        Array.from({ length: 3 }, (_, i) => ({ id: i, t: `row ${i}` })),
      );
      return (await sql.raw<{ statement: string }>(`select statement from ${table}_log`).execute(tx)).rows.map((r) => r.statement);
    });
    expect(statements).toHaveLength(1);
    expect(statements[0]!.trimStart().slice(0, 4).toLowerCase()).toBe(h.kind === 'pg' ? 'copy' : 'inse');
  });

  it('fails a write whose data the database refuses, leaving the connection usable', async () => {
    const table = probeTable();
    await asOwner(h.db, (tx) => sql.raw(`create table ${table} (id int primary key, n numeric(10,2))`).execute(tx));
    // Enough rows for several COPY chunks, the bad value in the last one, so the refusal comes while data is still going out.
    const rows: Found[] = Array.from({ length: 30_000 }, (_, i) => ({ id: i, n: String(i % 1000) }));
    rows.push({ id: 30_000, n: 'not a number' });
    const columns = await asOwner(h.db, (tx) => columnTypes(tx, table));
    const write = prepareInsert(table, columns, rows);
    await expect(asOwner(h.db, (tx) => write(tx))).rejects.toThrow(/numeric/);
    // Nothing of it was kept, and the pool's connections still work (the same write, minus the bad row).
    const counts = await asOwner(h.db, async (tx) => {
      const before = (await sql.raw<{ n: number }>(`select count(*)::int as n from ${table}`).execute(tx)).rows[0]!.n;
      await prepareInsert(table, columns, rows.slice(0, -1))(tx);
      const after = (await sql.raw<{ n: number }>(`select count(*)::int as n from ${table}`).execute(tx)).rows[0]!.n;
      return { before, after };
    });
    expect(counts).toEqual({ before: 0, after: 30_000 });
  });
});
