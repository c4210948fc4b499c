import type { Executor } from '@crm/db';
import { sql } from 'kysely';
import { bareHost, notRegistryMerged, websiteDomain } from '../companies/domains.ts';
import { likeEscape } from '../shared/paging.ts';
import '../companies/tables.ts';
import '../people/tables.ts';
import '../pipeline/deals/tables.ts';
import '../pipeline/stages/tables.ts';
import { tenantRows } from '../shared/rows.ts';
import { NO_PROFILE, type ProfileState } from './decide.ts';
import type { DomainFacts } from './icp.ts';
import './tables.ts';

export interface ProfileView extends ProfileState {
  userId: number;
  completedAt: Date | null;
  skippedAt: Date | null;
  updatedAt: Date | null;
  /** The stream version, for appends; 0 before the user ever touched the profile. */
  version: number;
}

/** A user's business profile; status none (and empty fields) while they have none. */
export async function getBusinessProfile(db: Executor, tenantId: string, userId: number): Promise<ProfileView> {
  const row = await tenantRows(db, tenantId, 'business_profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (!row) return { ...NO_PROFILE, userId, completedAt: null, skippedAt: null, updatedAt: null, version: 0 };
  return {
    status: row.status,
    fields: row.fields,
    userId,
    completedAt: row.completed_at,
    skippedAt: row.skipped_at,
    updatedAt: row.updated_at,
    version: Number(row.version),
  };
}

/** The country of a company: its billing address's (document 002), else its address's (003), if either names one. */
function countryOf(...addresses: unknown[]): string | null {
  for (const a of addresses) {
    const c = a && typeof a === 'object' && !Array.isArray(a) ? (a as { country?: unknown }).country : null;
    if (typeof c === 'string' && c.trim() !== '') return c.trim();
  }
  return null;
}

/**
 * What the tenant knows about each domain (bare, normalised): the oldest organization whose
 * website is on it, with its persons, and the deals on it (a deal's domain compared with and
 * without `www.`) by stage outcome. Three queries whatever the number of domains.
 */
export async function domainFacts(db: Executor, tenantId: string, domains: readonly string[]): Promise<Map<string, DomainFacts>> {
  const out = new Map<string, DomainFacts>(
    domains.map((d) => [d, { domain: d, organization: null, deals: { open: 0, won: 0, lost: 0, valueUsd: 0 } }]),
  );
  if (domains.length === 0) return out;
  const [companies, deals] = await Promise.all([
    db
      .selectFrom('companies')
      .select(['id', 'name', 'website', 'industry', 'company_size', 'address', 'billing_address'])
      .where('tenant_id', '=', tenantId)
      .where(sql<boolean>`lower(website) like any(${domains.map((d) => `%${likeEscape(d)}%`)}::text[])`)
      // A company the registry merged into another is not the domain's organization.
      .where(notRegistryMerged('companies'))
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    sql<{ domain: string; outcome: 'open' | 'won' | 'lost'; n: string; value: string }>`
      select ${bareHost('d.domain')} as domain,
             case when s.is_won then 'won' when s.is_lost then 'lost' else 'open' end as outcome,
             count(*)::text as n, coalesce(sum(d.value_usd), 0)::text as value
      from crm_deals d join crm_stages s on s.tenant_id = d.tenant_id and s.id = d.stage_id
      where d.tenant_id = ${tenantId}
        and ${bareHost('d.domain')} = any(${domains}::text[])
      group by 1, 2`.execute(db),
  ]);
  for (const c of companies) {
    const facts = out.get(websiteDomain(c.website) ?? '');
    if (!facts || facts.organization) continue;
    facts.organization = {
      id: c.id,
      name: c.name,
      industry: c.industry,
      companySize: c.company_size,
      country: countryOf(c.billing_address, c.address),
      contacts: 0,
    };
  }
  const orgIds = [...out.values()].flatMap((f) => (f.organization ? [f.organization.id] : []));
  if (orgIds.length > 0) {
    const persons = await db
      .selectFrom('persons')
      .select(['organization_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('tenant_id', '=', tenantId)
      .where('organization_id', 'in', orgIds)
      .where('merged_into', 'is', null)
      .groupBy('organization_id')
      .execute();
    const byOrg = new Map(persons.map((p) => [p.organization_id, Number(p.n)]));
    for (const f of out.values()) if (f.organization) f.organization.contacts = byOrg.get(f.organization.id) ?? 0;
  }
  for (const d of deals.rows) {
    const facts = out.get(d.domain)!;
    facts.deals[d.outcome] += Number(d.n);
    facts.deals.valueUsd += Number(d.value);
  }
  return out;
}

/** The distinct domains of the deals in a pipeline (one owner's, or the whole tenant's with null), normalised. */
export async function pipelineDomains(db: Executor, tenantId: string, ownerUserId: number | null): Promise<string[]> {
  let q = db
    .selectFrom('crm_deals')
    .select(sql<string>`distinct ${bareHost('domain')}`.as('domain'))
    .where('tenant_id', '=', tenantId)
    .where(bareHost('domain'), 'is not', null);
  if (ownerUserId !== null) q = q.where('owner_user_id', '=', ownerUserId);
  return (await q.execute()).map((r) => r.domain);
}
