import { createDb, inTenant } from '@crm/db';
import { sql } from 'kysely';
import { type AppendFigures, type AppendTiming, measureAppend, RAW_TABLE, RAW_TABLE_DDL } from './append.ts';

/**
 * Figure 1 on embedded PGlite, for information only (--pglite). PGlite is one connection in this
 * process, so the 32 callers queue on it; the point is the append's cost relative to a plain
 * INSERT on the same engine, not a comparison with the server.
 */
export async function appendFigureOnPglite(timing: AppendTiming): Promise<AppendFigures> {
  const h = await createDb({ dataDir: ':memory:' });
  try {
    // The session runs as crm_app; drop back to the owner just long enough to make the table.
    await sql.raw(`reset role; ${RAW_TABLE_DDL}; grant all on ${RAW_TABLE} to crm_app; set role crm_app`).execute(h.db);
    return await measureAppend(h, {
      workers: 32,
      ...timing,
      rawInsert: async (data, metadata) => {
        await sql`insert into ${sql.table(RAW_TABLE)} (data, metadata) values (${data}::jsonb, ${metadata}::jsonb)`.execute(h.db);
      },
      rawGroupedInsert: async (rows) => {
        await sql`insert into ${sql.table(RAW_TABLE)} (data, metadata)
          select * from unnest(${rows.map((r) => r[0])}::jsonb[], ${rows.map((r) => r[1])}::jsonb[])`.execute(h.db);
      },
      rawInsertInTx: async (tenantId, data, metadata) => {
        await inTenant(h.db, tenantId, (tx) =>
          sql`insert into ${sql.table(RAW_TABLE)} (data, metadata) values (${data}::jsonb, ${metadata}::jsonb)`.execute(tx),
        );
      },
    });
  } finally {
    await h.close();
  }
}
