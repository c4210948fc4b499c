import type { Tx } from '@crm/db';
import { sql } from 'kysely';
import { bareHost, notRegistryMerged } from '../companies/domains.ts';
import '../companies/tables.ts';
import '../people/tables.ts';
import '../pipeline/deals/tables.ts';
import '../registry/tables.ts';
import type { ReportIndustryRollupsTable } from './tables.ts';
import './tables.ts';

// The industry benchmarks, computed from the tenant's own organizations (document 003's, with
// their industry), their persons and the deals whose domain is an organization's website domain.
// Computed by the rollup worker into report_industry_rollups; the report routes only read that.

/** The profile fields whose share of filled ones is an organization's enrichment. */
export const ENRICHMENT_FIELDS = ['website', 'company_size', 'annual_revenue', 'phone', 'description'] as const;
export const TOP_DOMAINS = 10;
const DAY = 86_400_000;

/**
 * How an industry is found: case-insensitively, punctuation and spaces alike. `Health Care`,
 * `health-care` and `HEALTH_CARE` are one industry, `health-care`.
 */
export function industrySlug(industry: string): string {
  return industry
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

export interface TopDomain {
  domain: string;
  deal_value_usd: number;
  deal_count: number;
  organizations: number;
}

/** A website or deal domain as a bare host: no scheme, path, port or leading `www.`, lower case. */
const filled = ENRICHMENT_FIELDS.map((f) => `(case when nullif(trim(c.${f}::text), '') is not null then 1 else 0 end)`).join(' + ');

/** Live organizations with an industry: a company the registry merged into another is not counted twice. */
const liveOrgs = (tenantId: string) => sql`select c.* from companies c
  where c.tenant_id = ${tenantId} and nullif(trim(c.industry), '') is not null
    and ${notRegistryMerged('c')}`;

/** The rollups of one tenant at `now`, one per industry slug, from its data as it is. */
export async function computeRollups(tx: Tx, tenantId: string, now: Date): Promise<ReportIndustryRollupsTable[]> {
  const recent = new Date(now.getTime() - 30 * DAY);
  const prior = new Date(now.getTime() - 60 * DAY);
  const [orgs, persons, domains] = await Promise.all([
    sql<{ industry: string; n: number; filled: number; recent: number; prior: number }>`
      select c.industry, count(*)::int as n, coalesce(sum(${sql.raw(filled)}), 0)::int as filled,
        (count(*) filter (where c.created_at >= ${recent} and c.created_at < ${now}))::int as recent,
        (count(*) filter (where c.created_at >= ${prior} and c.created_at < ${recent}))::int as prior
      from (${liveOrgs(tenantId)}) c group by c.industry`.execute(tx),
    sql<{ industry: string; n: number; with_email: number }>`
      select c.industry, count(*)::int as n, (count(*) filter (where nullif(trim(p.primary_email), '') is not null))::int as with_email
      from persons p join (${liveOrgs(tenantId)}) c on c.id = p.organization_id
      where p.tenant_id = ${tenantId} and p.merged_into is null group by c.industry`.execute(tx),
    sql<{ industry: string; domain: string; orgs: number; value: string; deals: number }>`
      with od as (select c.industry, ${bareHost('c.website')} as domain from (${liveOrgs(tenantId)}) c),
      dd as (select ${bareHost('d.domain')} as domain, sum(d.value_usd) as value, count(*)::int as deals
             from crm_deals d where d.tenant_id = ${tenantId} group by 1)
      select od.industry, od.domain, count(*)::int as orgs, coalesce(max(dd.value), 0)::text as value, coalesce(max(dd.deals), 0)::int as deals
      from od left join dd on dd.domain = od.domain where od.domain is not null group by od.industry, od.domain`.execute(tx),
  ]);
  return foldBySlug(tenantId, now, orgs.rows, persons.rows, domains.rows);
}

interface Acc {
  spellings: Map<string, number>;
  n: number;
  filled: number;
  recent: number;
  prior: number;
  persons: number;
  withEmail: number;
  domains: Map<string, TopDomain>;
}

/** The rows grouped by the industry as written, merged by slug (the spellings of one industry). */
function foldBySlug(
  tenantId: string,
  now: Date,
  orgs: { industry: string; n: number; filled: number; recent: number; prior: number }[],
  persons: { industry: string; n: number; with_email: number }[],
  domains: { industry: string; domain: string; orgs: number; value: string; deals: number }[],
): ReportIndustryRollupsTable[] {
  const acc = new Map<string, Acc>();
  const of = (industry: string) => {
    const slug = industrySlug(industry);
    let a = acc.get(slug);
    if (!a)
      acc.set(slug, (a = { spellings: new Map(), n: 0, filled: 0, recent: 0, prior: 0, persons: 0, withEmail: 0, domains: new Map() }));
    return a;
  };
  for (const o of orgs) {
    const a = of(o.industry);
    a.spellings.set(o.industry.trim(), (a.spellings.get(o.industry.trim()) ?? 0) + o.n);
    a.n += o.n;
    a.filled += o.filled;
    a.recent += o.recent;
    a.prior += o.prior;
  }
  for (const p of persons) {
    const a = of(p.industry);
    a.persons += p.n;
    a.withEmail += p.with_email;
  }
  for (const d of domains) {
    const a = of(d.industry);
    const known = a.domains.get(d.domain);
    // The deal figures belong to the domain, whichever spelling of the industry its organizations use.
    if (known) known.organizations += d.orgs;
    else a.domains.set(d.domain, { domain: d.domain, deal_value_usd: Number(d.value), deal_count: d.deals, organizations: d.orgs });
  }
  const rows: ReportIndustryRollupsTable[] = [];
  for (const [slug, a] of acc) {
    if (!slug || a.n === 0) continue;
    rows.push({
      tenant_id: tenantId,
      industry: slug,
      name: [...a.spellings].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0]![0],
      organizations: a.n,
      enrichment_rate: a.filled / (a.n * ENRICHMENT_FIELDS.length),
      persons: a.persons,
      persons_with_email: a.withEmail,
      new_last_30: a.recent,
      new_prior_30: a.prior,
      top_domains: rankDomains([...a.domains.values()]),
      computed_at: now,
    });
  }
  return rows;
}

/** By deal value, then deal count, then organizations, then name; the first ten. */
export function rankDomains(domains: TopDomain[]): TopDomain[] {
  return domains
    .sort(
      (x, y) =>
        y.deal_value_usd - x.deal_value_usd ||
        y.deal_count - x.deal_count ||
        y.organizations - x.organizations ||
        x.domain.localeCompare(y.domain),
    )
    .slice(0, TOP_DOMAINS);
}

/** The tenant's last event, in the order checkpointed readers use: changed since, the rollups are stale. */
export async function lastEventPosition(tx: Tx, tenantId: string): Promise<string | null> {
  const { rows } = await sql<{ p: string }>`select global_position::text as p from es_events where tenant_id = ${tenantId}
    order by transaction_id desc, global_position desc limit 1`.execute(tx);
  return rows[0]?.p ?? null;
}

/** Recomputes a tenant's rollups and replaces the old ones, in the caller's (tenant) transaction. */
export async function refreshRollups(tx: Tx, tenantId: string, now: Date): Promise<ReportIndustryRollupsTable[]> {
  const through = await lastEventPosition(tx, tenantId);
  const rows = await computeRollups(tx, tenantId, now);
  await tx.deleteFrom('report_industry_rollups').where('tenant_id', '=', tenantId).execute();
  if (rows.length > 0) {
    await tx
      .insertInto('report_industry_rollups')
      .values(rows.map((r) => ({ ...r, top_domains: JSON.stringify(r.top_domains) })))
      .execute();
  }
  await tx
    .insertInto('report_rollup_state')
    .values({ tenant_id: tenantId, computed_at: now, through_position: through })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ computed_at: now, through_position: through }))
    .execute();
  return rows;
}
