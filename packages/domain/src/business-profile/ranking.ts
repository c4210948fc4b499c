import type { Executor } from '@crm/db';
import { DomainError } from '../shared/errors.ts';
import type { ProfileFields } from './events.ts';
import { type IcpScore, normalDomain, scoreIcp } from './icp.ts';
import { domainFacts, getBusinessProfile, pipelineDomains } from './queries.ts';

// Scoring reads: the caller's filled-in profile against the tenant's data about a domain.

async function filledProfile(db: Executor, tenantId: string, userId: number): Promise<ProfileFields> {
  const p = await getBusinessProfile(db, tenantId, userId);
  if (p.status !== 'completed') {
    throw new DomainError(
      'conflict',
      'business_profile_required',
      'ICP scoring needs your business profile: fill it in with POST /v1/business-profile',
      { status: p.status },
    );
  }
  return p.fields;
}

/** One domain's score; a domain the tenant knows nothing about still scores, with no-data factors. */
export async function icpScore(db: Executor, tenantId: string, userId: number, domain: string): Promise<IcpScore> {
  const d = normalDomain(domain);
  if (d === null) throw new DomainError('invalid', 'invalid_domain', `${domain} is not a domain name such as acme.com`);
  const profile = await filledProfile(db, tenantId, userId);
  const facts = await domainFacts(db, tenantId, [d]);
  return scoreIcp(profile, facts.get(d)!);
}

export interface IcpLeadsPage {
  items: IcpScore[];
  total: number;
}

/**
 * The domains of a pipeline (the caller's own deals, or the tenant's) ranked by score, best first,
 * then by domain. Every domain is scored to rank them; the page is cut from the ranking.
 */
export async function icpLeads(
  db: Executor,
  tenantId: string,
  userId: number,
  scope: 'mine' | 'tenant',
  page: number,
  pageSize: number,
): Promise<IcpLeadsPage> {
  const profile = await filledProfile(db, tenantId, userId);
  const domains = await pipelineDomains(db, tenantId, scope === 'mine' ? userId : null);
  const facts = await domainFacts(db, tenantId, domains);
  const ranked = [...facts.values()]
    .map((f) => scoreIcp(profile, f))
    .sort((a, b) => b.score - a.score || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  return { items: ranked.slice((page - 1) * pageSize, page * pageSize), total: ranked.length };
}
