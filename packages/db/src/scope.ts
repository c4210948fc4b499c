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
  // BEGIN and the tenant setting in one round trip: every request pays for this. The id is a
  // validated UUID, so it can travel in the simple protocol, which takes several statements.
  return inTransaction(db, `begin; select set_config('app.tenant_id', '${tenantId}', true)`, fn);
}

/** A transaction on one connection, opened with `begin` (plus settings); committed, or rolled back on error. */
async function inTransaction<T>(db: Db, begin: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql.raw(begin).execute(conn);
    let result: T;
    try {
      result = await fn(conn as Tx);
    } catch (error) {
      await rollbackQuietly(conn);
      throw error;
    }
    await sql.raw('commit').execute(conn);
    return result;
  });
}

/** Cross-tenant work (login by slug, workers, audit). Keep these paths few and obvious. */
export async function inSystem<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(db, `begin; set local role ${SYSTEM_ROLE}`, fn);
}

/** DDL such as a projection rebuild's shadow tables: runs as the connecting user, who owns the schema. */
export async function asOwner<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(db, 'begin; set local role none', fn);
}

/** Rolls back the connection's transaction after a failure, never throwing over the failure itself. */
export async function rollbackQuietly(conn: Tx): Promise<void> {
  await sql
    .raw('rollback')
    .execute(conn)
    .catch(() => {});
}
