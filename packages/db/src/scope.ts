import { sql } from 'kysely';
import type { Db, Tx } from './database.ts';
import { SYSTEM_ROLE } from './roles.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs fn in a transaction in which row-level security admits only this tenant's rows. The query
 * filters in every module are the first wall; this is the second.
 */
export async function inTenant<T>(db: Db, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new Error(`inTenant: not a tenant id: ${tenantId}`);
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(tx);
    return fn(tx);
  });
}

/** Cross-tenant work (login by slug, workers, audit). Keep these paths few and obvious. */
export async function inSystem<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql.raw(`set local role ${SYSTEM_ROLE}`).execute(tx);
    return fn(tx);
  });
}

/** DDL such as a projection rebuild's shadow tables: runs as the connecting user, who owns the schema. */
export async function asOwner<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`set local role none`.execute(tx);
    return fn(tx);
  });
}
