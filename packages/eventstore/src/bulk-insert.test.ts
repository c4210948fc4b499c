import { asOwner, type DbHandle } from '@crm/db';
import { openTestDb } from '@crm/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows } from './bulk-insert.ts';

let h: DbHandle;
beforeAll(async () => {
  h = await openTestDb();
});
afterAll(() => h.close());

describe('insertRows', () => {
  it('stores awkward text, JSON, numbers, dates and NULLs exactly', async () => {
    const table = `bulk_probe_${Math.random().toString(36).slice(2, 8)}`;
    const rows = [
      { id: 1, t: 'plain', j: { a: 1 }, n: '12.50', at: new Date('2026-01-02T03:04:05.678Z'), b: true },
      { id: 2, t: 'quote " and back\\slash', j: { s: 'he said "hi" \\ {x,y}' }, n: '0.00', at: null, b: false },
      { id: 3, t: '{braces},commas,"NULL"', j: ['x', null, 2], n: null, at: new Date(0), b: null },
      { id: 4, t: 'NULL', j: null, n: '-1.25', at: null, b: true },
      { id: 5, t: 'ünïcödé ✓ 日本', j: { 'k"ey': 'v\nline' }, n: '1', at: null, b: false },
      { id: 6, t: '', j: {}, n: '3', at: null, b: false },
    ];
    const found = await asOwner(h.db, async (tx) => {
      await sql.raw(`create table ${table} (id int primary key, t text, j jsonb, n numeric(10,2), at timestamptz, b boolean)`).execute(tx);
      await insertRows(tx, table, rows, 4); // two chunks
      return (await sql.raw<any>(`select * from ${table} order by id`).execute(tx)).rows;
    });
    expect(found).toEqual(rows.map((r) => ({ ...r, n: r.n === null ? null : Number(r.n).toFixed(2) })));
  });
});
