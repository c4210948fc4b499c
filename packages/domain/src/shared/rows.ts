import type { Database, Executor } from '@crm/db';
import { type SelectQueryBuilder, sql } from 'kysely';

/**
 * A select from one of the tenant's tables, already narrowed to the tenant: reads start here, so
 * the tenant filter is written once (row-level security is the second wall behind it).
 * `tenantRows(tx, tenantId, 'users').select('id').where('id', '=', 7)`.
 */
export function tenantRows<T extends keyof Database & string>(
  tx: Executor,
  tenantId: string,
  table: T,
): SelectQueryBuilder<Database, T, {}> {
  // Kysely types a select from a table named by a type parameter as a union it cannot call; at
  // every call site T is one concrete table, for which this is exactly selectFrom's type.
  const from = tx.selectFrom(table) as unknown as SelectQueryBuilder<Database, T, {}>;
  return from.where(sql.ref(`${table}.tenant_id`), '=', tenantId);
}
