import { inSystem } from '@crm/db';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';
import { addDeal, addOrg, addPerson, createdDaysAgo, type OrgSpec, refreshRollups } from './reports-fixture.ts';

// Document 000's industry benchmarks: pre-computed rollups, read by GET /v1/reports/*.

const t = await testApp();

// ------------------------------------------------------------------ an independent recount

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const hostOf = (s: string | null) => {
  if (!s?.trim()) return null;
  const url = new URL(/^[a-z]+:\/\//i.test(s.trim()) ? s.trim() : `http://${s.trim()}`);
  return url.hostname.replace(/^www\./, '') || null;
};
const filled = (v: unknown) => v !== null && v !== undefined && String(v).trim() !== '';
const round = (x: number) => Math.round(x * 10_000) / 10_000;
const rank = (d: { deal_value_usd: number; deal_count: number; organizations: number; domain: string }) => [
  -d.deal_value_usd,
  -d.deal_count,
  -d.organizations,
  d.domain,
];
/** Compares two lists of keys, the first that differs deciding. */
const byKeys = (x: (number | string)[], y: (number | string)[]): number => {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
};

/** The benchmark of every industry, counted again from the tenant's rows with plain JavaScript. */
async function recount(tenantId: string) {
  const { companies, persons, deals } = await inSystem(t.handle.db, async (tx) => ({
    companies: (
      await sql<any>`select c.*, extract(epoch from now() - c.created_at) / 86400 as age_days from companies c where tenant_id = ${tenantId}`.execute(
        tx,
      )
    ).rows,
    persons: (await sql<any>`select * from persons where tenant_id = ${tenantId} and merged_into is null`.execute(tx)).rows,
    deals: (await sql<any>`select * from crm_deals where tenant_id = ${tenantId}`.execute(tx)).rows,
  }));
  const out = new Map<string, any>();
  for (const c of companies.filter((c) => filled(c.industry))) {
    const k = slug(c.industry);
    const b = out.get(k) ?? { orgs: [], persons: 0, withEmail: 0 };
    b.orgs.push(c);
    out.set(k, b);
  }
  const result: Record<string, any> = {};
  for (const [k, b] of out) {
    const ids = new Set(b.orgs.map((c: any) => c.id));
    const ps = persons.filter((p) => ids.has(p.organization_id));
    const withEmail = ps.filter((p) => filled(p.primary_email)).length;
    const fields = ['website', 'company_size', 'annual_revenue', 'phone', 'description'];
    const rate = b.orgs.reduce((n: number, c: any) => n + fields.filter((f) => filled(c[f])).length, 0) / (b.orgs.length * 5);
    const current = b.orgs.filter((c: any) => Number(c.age_days) < 30).length;
    const previous = b.orgs.filter((c: any) => Number(c.age_days) >= 30 && Number(c.age_days) < 60).length;
    const domains = new Map<string, any>();
    for (const c of b.orgs) {
      const h = hostOf(c.website);
      if (!h) continue;
      const d = domains.get(h) ?? { domain: h, deal_value_usd: 0, deal_count: 0, organizations: 0 };
      d.organizations++;
      domains.set(h, d);
    }
    for (const d of deals) {
      const x = domains.get(hostOf(d.domain) ?? '');
      if (x) {
        x.deal_value_usd += Number(d.value_usd);
        x.deal_count++;
      }
    }
    const spelled = new Map<string, number>();
    for (const c of b.orgs) spelled.set(c.industry.trim(), (spelled.get(c.industry.trim()) ?? 0) + 1);
    result[k] = {
      industry: k,
      name: [...spelled].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0]![0],
      organizations: b.orgs.length,
      enrichment_rate: round(rate),
      email_coverage: ps.length ? round(withEmail / ps.length) : null,
      persons: ps.length,
      persons_with_email: withEmail,
      growth: { window_days: 30, current, previous, rate: previous ? round((current - previous) / previous) : null },
      // Largest deal value first, then deal count, organizations, and the name.
      top_domains: [...domains.values()].sort((x, y) => byKeys(rank(x), rank(y))).slice(0, 10),
    };
  }
  return result;
}

/** Every industry's benchmark as GET /v1/reports/benchmark/{industry} answers it, computed_at aside. */
async function served(a: TestTenant) {
  const list = await t.request('GET', '/v1/reports/industries', { token: a.token });
  expect(list.status).toBe(200);
  const out: Record<string, any> = {};
  for (const i of list.body.industries) {
    const res = await t.request('GET', `/v1/reports/benchmark/${i.industry}`, { token: a.token });
    expect(res.status).toBe(200);
    const { computed_at, ...figures } = res.body;
    expect(computed_at).toBe(i.computed_at);
    out[i.industry] = figures;
  }
  return out;
}

const org = (name: string, industry: string | null, extra: Partial<OrgSpec> = {}): OrgSpec => ({ name, industry, ...extra });

async function seedIndustries(a: TestTenant) {
  const acme = await addOrg(
    t,
    a,
    org('Acme', 'Software', { website: 'https://www.acme.io/about', companySize: '51-200', phone: '+1 555' }),
  );
  const bolt = await addOrg(t, a, org('Bolt', 'software', { website: 'bolt.dev', annualRevenue: 1_000_000, description: 'Bolts' }));
  const cog = await addOrg(t, a, org('Cog', ' SOFTWARE', { website: 'http://cog.dev:8080', companySize: '1-10' }));
  const old = await addOrg(t, a, org('Oldco', 'Software', { website: 'oldco.com' }));
  const care = await addOrg(t, a, org('Care', 'Health Care', { website: 'care.org', phone: '1', description: 'd' }));
  await addOrg(t, a, org('Heal', 'health-care', {}));
  await addOrg(t, a, org('Shop', 'Retail', { website: 'shop.example' }));
  await addOrg(t, a, org('Nowhere', null, { website: 'nowhere.example' }));
  await createdDaysAgo(t, a.tenantId, old, 45);
  await createdDaysAgo(t, a.tenantId, cog, 40);
  await addPerson(t, a, 'Ann', acme, 'ann@acme.io');
  await addPerson(t, a, 'Ben', acme);
  await addPerson(t, a, 'Cy', bolt, 'cy@bolt.dev');
  await addPerson(t, a, 'Di', care, 'di@care.org');
  await addDeal(t, a, 'Acme big', 'acme.io', 50_000);
  await addDeal(t, a, 'Acme small', 'WWW.ACME.IO', 2_500.5);
  await addDeal(t, a, 'Bolt', 'bolt.dev', 10_000);
  await addDeal(t, a, 'Stray', 'unknown.example', 99_999);
  await addDeal(t, a, 'Care', 'care.org', 700);
  return { acme, bolt, cog, care };
}

describe('industry benchmarks (document 000)', () => {
  it('are pre-computed rollups equal to a recount from scratch, before and after the data changes', async () => {
    const a = await t.registerTenant();
    const empty = await t.request('GET', '/v1/reports/industries', { token: a.token });
    expect(empty.body).toEqual({ industries: [], computed_at: null });

    const { acme } = await seedIndustries(a);
    // Nothing is counted live: until the worker runs, there is no benchmark.
    expect((await t.request('GET', '/v1/reports/benchmark/software', { token: a.token })).status).toBe(404);
    expect(await refreshRollups(t, a.tenantId)).toBe(true);

    const list = await t.request('GET', '/v1/reports/industries', { token: a.token });
    expect(list.body.industries.map((i: any) => [i.industry, i.name, i.organizations])).toEqual([
      ['software', 'Software', 4],
      ['health-care', 'Health Care', 2],
      ['retail', 'Retail', 1],
    ]);
    const before = await served(a);
    expect(before).toEqual(await recount(a.tenantId));
    expect(before.software).toMatchObject({
      enrichment_rate: round(9 / 20),
      email_coverage: round(2 / 3),
      growth: { window_days: 30, current: 2, previous: 2, rate: 0 },
      top_domains: [
        { domain: 'acme.io', deal_value_usd: 52_500.5, deal_count: 2, organizations: 1 },
        { domain: 'bolt.dev', deal_value_usd: 10_000, deal_count: 1, organizations: 1 },
        { domain: 'cog.dev', deal_value_usd: 0, deal_count: 0, organizations: 1 },
        { domain: 'oldco.com', deal_value_usd: 0, deal_count: 0, organizations: 1 },
      ],
    });

    // The data changes: the benchmark stays as computed until the next refresh, then matches again.
    await addOrg(t, a, org('Dyno', 'Software', { website: 'acme.io' }));
    await addPerson(t, a, 'Eve', acme, 'eve@acme.io');
    await addDeal(t, a, 'Bolt 2', 'bolt.dev', 60_000);
    expect(await served(a)).toEqual(before);
    await refreshRollups(t, a.tenantId);
    const after = await served(a);
    expect(after).toEqual(await recount(a.tenantId));
    expect(after.software.organizations).toBe(5);
    expect(after.software.top_domains[0]).toEqual({ domain: 'bolt.dev', deal_value_usd: 70_000, deal_count: 2, organizations: 1 });
    expect(after.software.top_domains[1]).toEqual({ domain: 'acme.io', deal_value_usd: 52_500.5, deal_count: 2, organizations: 2 });
  });

  it('finds an industry by any spelling; an unknown one is 404 industry_not_found', async () => {
    const a = await t.registerTenant();
    await addOrg(t, a, org('Care', 'Health Care'));
    await refreshRollups(t, a.tenantId);
    for (const spelling of ['health-care', 'Health%20Care', 'HEALTH_CARE']) {
      const res = await t.request('GET', `/v1/reports/benchmark/${spelling}`, { token: a.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ industry: 'health-care', name: 'Health Care', organizations: 1, email_coverage: null });
    }
    const unknown = await t.request('GET', '/v1/reports/benchmark/mining', { token: a.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'industry_not_found', details: { industry: 'mining' } });
  });

  it('keeps tenants apart', async () => {
    const a = await t.registerTenant();
    const b = await t.registerTenant();
    await addOrg(t, a, org('Secret', 'Aerospace', { website: 'secret.example' }));
    await addOrg(t, b, org('Other', 'Retail'));
    await refreshRollups(t, a.tenantId);
    await refreshRollups(t, b.tenantId);
    const list = await t.request('GET', '/v1/reports/industries', { token: b.token });
    expect(list.body.industries.map((i: any) => i.industry)).toEqual(['retail']);
    expect((await t.request('GET', '/v1/reports/benchmark/aerospace', { token: b.token })).status).toBe(404);
    expect((await t.request('GET', '/v1/reports/benchmark/aerospace/pdf', { token: b.token })).status).toBe(404);
  });

  it('are refreshed by the worker when a tenant’s log moves on, not otherwise', async () => {
    const a = await t.registerTenant();
    await addOrg(t, a, org('Acme', 'Software'));
    const { RollupRefresher } = await import('@crm/api');
    const worker = new RollupRefresher(t.services, { batchSize: 10_000 });
    expect(await worker.runOnce()).toContain(a.tenantId);
    expect(await worker.runOnce()).not.toContain(a.tenantId);
    await addOrg(t, a, org('Bolt', 'Software'));
    expect(await worker.runOnce()).toContain(a.tenantId);
    const res = await t.request('GET', '/v1/reports/benchmark/software', { token: a.token });
    expect(res.body.organizations).toBe(2);
  });

  it('are Pro+: a Free-plan tenant gets 402 plan_upgrade_required', async () => {
    const a = await t.registerTenant();
    await addOrg(t, a, org('Acme', 'Software'));
    await refreshRollups(t, a.tenantId);
    await t.setPlan(a.tenantId, 'free');
    for (const path of ['/v1/reports/industries', '/v1/reports/benchmark/software', '/v1/reports/benchmark/software/pdf']) {
      const res = await t.request('GET', path, { token: a.token });
      expect(res.status).toBe(402);
      expect(res.body).toMatchObject({ code: 'plan_upgrade_required', details: { required_plan: 'pro' } });
    }
  });
});

/** The text pdfkit drew: each TJ array's hex strings, decoded (the streams are not compressed). */
function pdfText(pdf: string): string {
  const lines: string[] = [];
  for (const m of pdf.matchAll(/\[([^\]]*)\] TJ/g)) {
    lines.push([...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''));
  }
  return lines.join('\n');
}

describe('benchmark PDF', () => {
  it('is an A4 PDF with the figures of the JSON', async () => {
    const a = await t.registerTenant();
    await seedIndustries(a);
    await refreshRollups(t, a.tenantId);
    const json = (await t.request('GET', '/v1/reports/benchmark/software', { token: a.token })).body;
    const res = await t.request('GET', '/v1/reports/benchmark/Software/pdf', { token: a.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.text.startsWith('%PDF-')).toBe(true);
    expect(res.text.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(res.text).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    const text = pdfText(res.text);
    expect(text).toContain('Industry benchmark: Software');
    expect(text).toContain(`${json.organizations}`);
    expect(text).toContain(`${(json.enrichment_rate * 100).toFixed(1)}%`);
    expect(text).toContain(`${(json.email_coverage * 100).toFixed(1)}% (2 of 3 persons)`);
    expect(text).toContain('+0.0%');
    for (const d of json.top_domains) expect(text).toContain(d.domain);
    expect(text).toContain('$52,500.5');
  });

  it('answers an unknown industry with a 404 in JSON, not a broken file', async () => {
    const a = await t.registerTenant();
    const res = await t.request('GET', '/v1/reports/benchmark/unknown/pdf', { token: a.token });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('industry_not_found');
  });
});
