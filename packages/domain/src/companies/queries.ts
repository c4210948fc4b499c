import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import { notFound } from '../shared/errors.ts';
import { likeEscape, pageOldestFirst } from '../shared/paging.ts';
import { bareHost, websiteDomain } from './domains.ts';
import type { CompaniesTable } from './tables.ts';
import './tables.ts';
import '../people/tables.ts';
import '../pipeline/deals/tables.ts';
import '../pipeline/stages/tables.ts';
import { tenantRows } from '../shared/rows.ts';

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
  return pageOldestFirst(q, page, pageSize);
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

// --- document 002's accounts: the same companies, with counts from other records --------------

export interface AccountFilters {
  stage?: string | undefined;
  /** Case-insensitive, whole value. */
  industry?: string | undefined;
  ownerUserId?: number | undefined;
  /** Case-insensitive substring of the name or the website. */
  search?: string | undefined;
}

/** A page of accounts, oldest first, and how many match. */
export async function listAccounts(tx: Tx, tenantId: string, f: AccountFilters, page: number, limit: number) {
  let q = tx.selectFrom('companies').where('tenant_id', '=', tenantId);
  if (f.stage) q = q.where('stage', '=', f.stage);
  if (f.industry) q = q.where(sql<boolean>`lower(industry) = lower(${f.industry})`);
  if (f.ownerUserId !== undefined) q = q.where('owner_user_id', '=', f.ownerUserId);
  if (f.search) {
    const like = `%${likeEscape(f.search)}%`;
    q = q.where(sql<boolean>`(name ilike ${like} or coalesce(website, '') ilike ${like})`);
  }
  return pageOldestFirst(q, page, limit);
}

export interface AccountCounts {
  contactCount: number;
  openOpportunityCount: number;
}

/**
 * For each company: its persons (not merged away), and the open deals (stage neither won nor
 * lost) whose domain is the company's website domain.
 */
export async function accountCounts(tx: Tx, tenantId: string, rows: readonly CompaniesTable[]): Promise<Map<string, AccountCounts>> {
  const out = new Map<string, AccountCounts>(rows.map((r) => [r.id, { contactCount: 0, openOpportunityCount: 0 }]));
  if (rows.length === 0) return out;
  const contacts = await tenantRows(tx, tenantId, 'persons')
    .select(['organization_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where(
      'organization_id',
      'in',
      rows.map((r) => r.id),
    )
    .where('merged_into', 'is', null)
    .groupBy('organization_id')
    .execute();
  for (const c of contacts) if (c.organization_id) out.get(c.organization_id)!.contactCount = Number(c.n);
  const domains = [...new Set(rows.map((r) => websiteDomain(r.website)).filter((d): d is string => d !== null))];
  if (domains.length > 0) {
    const deals = await tx
      .selectFrom('crm_deals as d')
      .innerJoin('crm_stages as s', (j) => j.onRef('s.id', '=', 'd.stage_id').onRef('s.tenant_id', '=', 'd.tenant_id'))
      .select([bareHost('d.domain').as('domain'), (eb) => eb.fn.countAll<string>().as('n')])
      .where('d.tenant_id', '=', tenantId)
      .where(sql<boolean>`${bareHost('d.domain')} in (${sql.join(domains)})`)
      .where('s.is_won', '=', false)
      .where('s.is_lost', '=', false)
      .groupBy(bareHost('d.domain'))
      .execute();
    const byDomain = new Map(deals.map((d) => [d.domain ?? '', Number(d.n)]));
    for (const r of rows) {
      const dom = websiteDomain(r.website);
      if (dom) out.get(r.id)!.openOpportunityCount = byDomain.get(dom) ?? 0;
    }
  }
  return out;
}

/** The persons of a company, oldest first. */
export async function companyPersons(tx: Tx, tenantId: string, companyId: string) {
  return tenantRows(tx, tenantId, 'persons')
    .selectAll()
    .where('organization_id', '=', companyId)
    .where('merged_into', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The names of users, for `assignedToName`: first and last name, or the email when both are empty. */
export async function userNames(tx: Tx, tenantId: string, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tenantRows(tx, tenantId, 'users')
    .select(['id', 'first_name', 'last_name', 'email'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((u) => [u.id, `${u.first_name} ${u.last_name}`.trim() || u.email]));
}
