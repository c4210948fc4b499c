import type { Tx } from '@crm/db';
import { companies } from '@crm/domain';

// Document 003 shows its tenant's platform number on every person and organization.

/** A row as document 003 shows it, with its tenant's platform number: `dto` made to take a tenant's row. */
export const withPlatform =
  <R, T>(dto: (row: R, platform: number) => T) =>
  async (tx: Tx, tenantId: string, row: R): Promise<T> =>
    dto(row, await companies.platformNumber(tx, tenantId));

/** A page of rows as document 003 shows them, each with its tenant's platform number (read once). */
export async function platformPage<R, T>(
  tx: Tx,
  tenantId: string,
  found: { rows: R[]; count: number },
  at: { page: number; pageSize: number },
  dto: (row: R, platform: number) => T,
) {
  const platform = await companies.platformNumber(tx, tenantId);
  return { count: found.count, page: at.page, pageSize: at.pageSize, results: found.rows.map((r) => dto(r, platform)) };
}
