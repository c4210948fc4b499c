import { randomUUID } from 'node:crypto';
import { asOwner, type Db, inTenant } from '@crm/db';
import { sql } from 'kysely';
import { rowProjection } from './row-projection.ts';
import type { EventStore } from './event-store.ts';
import type { EventMetadata, StreamRef } from './types.ts';

export const meta: EventMetadata = { source: 'system', actor: { type: 'system', id: null } };

/**
 * A throwaway read model for the store's own tests: per stream, how many events and the last type.
 * Each call makes its own table so test files sharing a pg database never collide.
 */
export async function counterProjection(db: Db) {
  const table = `es_test_counts_${randomUUID().slice(0, 8)}`;
  await asOwner(db, async (tx) => {
    await sql
      .raw(`create table ${table} (tenant_id uuid not null, id text primary key, n int not null, last_type text not null)`)
      .execute(tx);
    await sql`select crm_enable_tenant_rls(${table}::regclass)`.execute(tx);
  });
  const projection = rowProjection<{ tenant_id: string; id: string; n: number; last_type: string }>({
    name: table,
    table,
    key: 'id',
    columns: ['tenant_id', 'id', 'n', 'last_type'],
    handles: ['Counted', 'Reset'],
    keysOf: (e) => [e.streamId],
    evolve: (row, e) => (e.type === 'Reset' ? null : { tenant_id: e.tenantId, id: e.streamId, n: (row?.n ?? 0) + 1, last_type: e.type }),
  });
  return { table, projection };
}

/** A stream read back as `type` + `version` words ('A1 B2 C3'), for one-line expectations. */
export async function streamWords(db: Db, store: EventStore, tenantId: string, stream: StreamRef): Promise<string> {
  const read = await inTenant(db, tenantId, (tx) => store.readStream(tx, tenantId, stream));
  return read.map((e) => `${e.type}${e.streamVersion}`).join(' ');
}
