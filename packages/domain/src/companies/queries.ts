import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import { notFound } from '../shared/errors.ts';
import type { CompaniesTable } from './tables.ts';
import './tables.ts';

/** `%` and `_` match themselves in a substring filter. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function getCompany(tx: Tx, tenantId: string, companyId: string): Promise<CompaniesTable | undefined> {
  return tx.selectFrom('companies').selectAll().where('tenant_id', '=', tenantId).where('id', '=', companyId).executeTakeFirst();
}

export interface CompanyFilters {
  /** Case-insensitive substring of the name. */
  name?: string | undefined;
  ownerUserId?: number | undefined;
}

/** A page of companies, oldest first (a stable order for page numbers), and how many match. */
export async function listCompanies(tx: Tx, tenantId: string, f: CompanyFilters, page: number, pageSize: number) {
  let q = tx.selectFrom('companies').where('tenant_id', '=', tenantId);
  if (f.name) q = q.where(sql<boolean>`name ilike ${`%${likeEscape(f.name)}%`}`);
  if (f.ownerUserId !== undefined) q = q.where('owner_user_id', '=', f.ownerUserId);
  const [rows, total] = await Promise.all([
    q
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, count: Number(total.n) };
}

/**
 * Document 003's integer for the tenant ("platform"): given on first use and kept. A read may be
 * the first use (a tenant whose persons all came from deal contacts), so it is assigned here.
 */
export async function platformNumber(tx: Tx, tenantId: string): Promise<number> {
  const found = await tx.selectFrom('platform_numbers').select('number').where('tenant_id', '=', tenantId).executeTakeFirst();
  if (found) return found.number;
  await sql`insert into platform_numbers (tenant_id) values (${tenantId}) on conflict do nothing`.execute(tx);
  const row = await tx.selectFrom('platform_numbers').select('number').where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
  return row.number;
}

export const notFoundOrganization = (companyId: string) => notFound('organization', companyId);
