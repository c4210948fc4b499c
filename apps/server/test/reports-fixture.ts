import { RollupRefresher } from '@crm/api';
import { inSystem } from '@crm/db';
import { sql } from 'kysely';
import type { TestApp, TestTenant } from '../src/testing.ts';

// Data for the report tests (document 000): organizations (document 002's accounts, which carry an
// industry), their persons (003) and deals (000), made through the documented paths.

/** `acc_<32 hex>` back to the company's uuid. */
const uuidOfAccount = (id: string) => id.slice(4).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

export interface OrgSpec {
  name: string;
  industry: string | null;
  website?: string | null;
  companySize?: string | null;
  annualRevenue?: number | null;
  phone?: string | null;
  description?: string | null;
}

export async function addOrg(t: TestApp, a: TestTenant, org: OrgSpec): Promise<string> {
  const res = await t.request('POST', '/api/accounts/', { token: a.token, body: org });
  if (res.status !== 201) throw new Error(`account: ${res.status} ${res.text}`);
  return uuidOfAccount((res.body.data ?? res.body).id);
}

export async function addPerson(t: TestApp, a: TestTenant, name: string, organization: string, email?: string): Promise<string> {
  const res = await t.request('POST', '/api/crm/persons/', {
    token: a.token,
    body: { name, organization, ...(email ? { primary_email: email } : {}) },
  });
  if (res.status !== 201) throw new Error(`person: ${res.status} ${res.text}`);
  return res.body.id;
}

export async function addDeal(t: TestApp, a: TestTenant, name: string, domain: string | null, value: number): Promise<string> {
  const res = await t.request('POST', '/v1/crm/deals', { token: a.token, body: { name, domain, value_usd: value } });
  if (res.status !== 201) throw new Error(`deal: ${res.status} ${res.text}`);
  return res.body.id;
}

/** Moves an organization's creation back in time (the log's times are the database's). */
export async function createdDaysAgo(t: TestApp, tenantId: string, id: string, days: number): Promise<void> {
  await inSystem(t.handle.db, (tx) =>
    sql`update companies set created_at = now() - make_interval(days => ${days}) where tenant_id = ${tenantId} and id = ${id}`.execute(tx),
  );
}

/** What the rollup worker does for a tenant, now. */
export const refreshRollups = (t: TestApp, tenantId: string) => new RollupRefresher(t.services).refreshTenant(tenantId);
