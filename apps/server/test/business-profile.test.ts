import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

// Document 000's /v1/business-profile: the caller's own profile, and ICP scoring against it from
// the tenant's organizations (document 002/003) and deals.

const t = await testApp();

const BP = '/v1/business-profile';
const EVENTS = ['BusinessProfileCompleted', 'BusinessProfileUpdated', 'BusinessProfileSkipped', 'BusinessProfileReset'];
const PROFILE = {
  company_name: 'Seller Inc',
  industry: 'Software',
  team_size: '2-10',
  role: 'founder',
  target_geos: ['US', 'Germany'],
  target_industries: ['Software', 'Fintech'],
  target_company_sizes: ['51-200', '201-500'],
  target_titles: ['VP Sales'],
  avg_deal_size_usd: 12000,
  sales_motion: 'outbound',
};

const get = (token: string) => t.request('GET', BP, { token });
const fill = (token: string, body: Record<string, unknown> = PROFILE) => t.request('POST', BP, { token, body });

async function expectNothingWritten(a: TestTenant, run: () => Promise<void>) {
  const before = await t.eventCount(a.tenantId, EVENTS);
  await run();
  expect(await t.eventCount(a.tenantId, EVENTS)).toBe(before);
}

describe('business profile (document 000)', () => {
  it('goes none → completed → updated → reset → skipped → completed, each answer the profile as it stands', async () => {
    const a = await t.registerTenant();
    const none = await get(a.token);
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ status: 'none', industry: null, target_geos: [], completed_at: null, skipped_at: null });

    const created = await fill(a.token);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...PROFILE, status: 'completed', website: null, completed_at: expect.any(String) });
    expect((await get(a.token)).body).toEqual(created.body);

    const put = await t.request('PUT', BP, { token: a.token, body: { industry: 'Fintech', target_geos: ['FR'], role: null } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ industry: 'Fintech', target_geos: ['FR'], role: null, team_size: '2-10', status: 'completed' });

    const reset = await t.request('DELETE', BP, { token: a.token });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ status: 'none', industry: null, target_geos: [] });

    const skipped = await t.request('POST', `${BP}/skip`, { token: a.token });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ status: 'skipped', skipped_at: expect.any(String) });
    expect((await t.request('POST', `${BP}/skip`, { token: a.token })).status).toBe(200);

    expect((await fill(a.token, { industry: 'Retail' })).body).toMatchObject({ status: 'completed', industry: 'Retail', target_geos: [] });
    // Completed, updated, reset, skipped (the second skip wrote nothing), completed.
    expect(await t.eventCount(a.tenantId, EVENTS)).toBe(5);
  });

  it('is each user’s own', async () => {
    const a = await t.registerTenant();
    const rep = await t.createUser(a, 'user', 'Rep');
    const viewer = await t.createUser(a, 'viewer', 'Vi');
    await fill(a.token);
    expect((await get(rep.token)).body.status).toBe('none');
    expect((await fill(viewer.token, { industry: 'Media' })).status).toBe(201);
    expect((await get(viewer.token)).body.industry).toBe('Media');
    expect((await get(a.token)).body.industry).toBe('Software');
    const b = await t.registerTenant();
    expect((await get(b.token)).body.status).toBe('none');
  });

  it('refuses what the state does not allow with a code, writing nothing', async () => {
    const a = await t.registerTenant();
    await expectNothingWritten(a, async () => {
      const put = await t.request('PUT', BP, { token: a.token, body: { industry: 'x' } });
      expect([put.status, put.body.code]).toEqual([404, 'business_profile_not_found']);
      const del = await t.request('DELETE', BP, { token: a.token });
      expect([del.status, del.body.code]).toEqual([404, 'business_profile_not_found']);
    });
    await fill(a.token);
    await expectNothingWritten(a, async () => {
      const again = await fill(a.token);
      expect([again.status, again.body.code]).toEqual([409, 'business_profile_exists']);
      const skip = await t.request('POST', `${BP}/skip`, { token: a.token });
      expect([skip.status, skip.body.code]).toEqual([409, 'business_profile_exists']);
      // The same values again change nothing.
      expect((await t.request('PUT', BP, { token: a.token, body: { industry: 'Software' } })).status).toBe(200);
    });
  });

  it('creates once when many requests race: one 201, the others 409', async () => {
    const a = await t.registerTenant();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => fill(a.token, { industry: `Industry ${i}` })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(await t.eventCount(a.tenantId, EVENTS)).toBe(1);
    const winner = results.find((r) => r.status === 201)!.body.industry;
    expect((await get(a.token)).body.industry).toBe(winner);
  });

  it('answers bad fields with 400 and writes nothing', async () => {
    const a = await t.registerTenant();
    await expectNothingWritten(a, async () => {
      for (const body of [
        { team_size: 'huge' },
        { target_company_sizes: ['12-13'] },
        { target_geos: 'US' },
        { target_geos: ['US', 'us'] },
        { target_industries: Array.from({ length: 51 }, (_, i) => `I${i}`) },
        { avg_deal_size_usd: -1 },
        { industry: 'a\u0000b' },
        { targetGeos: ['US'] },
        { sales_motion: 'psychic' },
      ]) {
        const res = await fill(a.token, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toMatch(/^(validation_error|invalid_text)$/);
      }
    });
  });
});

// --- ICP --------------------------------------------------------------------------------------

async function stageIds(a: TestTenant) {
  const stages = (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages;
  return { won: stages.find((s: any) => s.is_won).id, lost: stages.find((s: any) => s.is_lost).id, open: stages[0].id };
}
async function deal(token: string, body: Record<string, unknown>) {
  const res = await t.request('POST', '/v1/crm/deals', { token, body: { name: 'Deal', value_usd: 1000, ...body } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}
async function account(a: TestTenant, body: Record<string, unknown>) {
  const res = await t.request('POST', '/api/accounts/', { token: a.token, body });
  expect(res.status, res.text).toBe(201);
  const h = res.body.id.slice(4);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
const score = (token: string, domain: unknown) => t.request('POST', `${BP}/icp-score`, { token, body: { domain } });
const byCode = (factors: any[]) => Object.fromEntries(factors.map((f) => [f.code, f]));

/** A tenant that knows acme.com well (a fitting organization, three people, a won and an open deal) and far.fr a little. */
async function preparedTenant() {
  const a = await t.registerTenant();
  const s = await stageIds(a);
  const acme = await account(a, {
    name: 'Acme',
    website: 'https://www.acme.com/about',
    industry: 'Enterprise Software',
    companySize: '51-200',
    billingAddress: { country: 'US' },
  });
  for (const name of ['Ann', 'Bob', 'Cy']) {
    expect((await t.request('POST', '/api/crm/persons/', { token: a.token, body: { name, organization: acme } })).status).toBe(201);
  }
  await deal(a.token, { domain: 'acme.com', stage_id: s.won, value_usd: 5000 });
  await deal(a.token, { domain: 'www.acme.com', stage_id: s.open });
  await account(a, { name: 'Far', website: 'far.fr', industry: 'Retail', companySize: '5000+', billingAddress: { country: 'France' } });
  await deal(a.token, { domain: 'far.fr', stage_id: s.lost });
  return { a, s };
}

describe('ICP scoring (document 000)', () => {
  it('scores a domain factor by factor from the organization, its people and the deals on it', async () => {
    const { a } = await preparedTenant();
    await fill(a.token);
    const res = await score(a.token, 'ACME.com');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ domain: 'acme.com', score: 100, fit: 'strong' });
    const f = byCode(res.body.factors);
    expect(f.industry_match).toMatchObject({ weight: 30, value: 'Enterprise Software', outcome: 'match', points: 30 });
    expect(f.company_size_match).toMatchObject({ weight: 25, value: '51-200', target: ['51-200', '201-500'], points: 25 });
    expect(f.geo_match).toMatchObject({ weight: 20, value: 'US', outcome: 'match', points: 20 });
    expect(f.existing_pipeline).toMatchObject({ weight: 15, value: '1 open, 1 won', outcome: 'match', points: 15 });
    expect(f.known_contacts).toMatchObject({ weight: 10, value: '3', points: 10 });

    const far = await score(a.token, 'far.fr');
    expect(far.body).toMatchObject({ score: 0, fit: 'weak' });
    expect(byCode(far.body.factors).existing_pipeline).toMatchObject({ value: '1 lost', outcome: 'mismatch', points: 0 });
    expect(byCode(far.body.factors).geo_match).toMatchObject({ value: 'France', outcome: 'mismatch' });

    // A profile change changes the score: France targeted now.
    await t.request('PUT', BP, { token: a.token, body: { target_geos: ['FR'] } });
    expect((await score(a.token, 'far.fr')).body.score).toBe(20);
  });

  it('reads a domain from its organization that the registry did not merge away, however the deals spell it', async () => {
    const a = await t.registerTenant();
    const s = await stageIds(a);
    await fill(a.token);
    // Two organizations on one domain: the older is merged into the newer by the entity registry.
    const old = await account(a, { name: 'Old Acme', website: 'acme.com', industry: 'Retail' });
    const acme = await account(a, { name: 'Acme', website: 'http://WWW.acme.com:443/', industry: 'Enterprise Software' });
    await deal(a.token, { domain: 'WWW.ACME.com', stage_id: s.open });
    const before = byCode((await score(a.token, 'acme.com')).body.factors);
    expect([before.industry_match.value, before.existing_pipeline.value]).toEqual(['Retail', '1 open']);
    const merged = await t.request('POST', '/api/v1/entity-registry/merge', { token: a.token, body: { winnerId: acme, loserId: old } });
    expect(merged.status, merged.text).toBe(200);
    const after = byCode((await score(a.token, 'acme.com')).body.factors);
    expect([after.industry_match.value, after.existing_pipeline.value]).toEqual(['Enterprise Software', '1 open']);
  });

  it('scores an unknown domain with no-data factors, and refuses a malformed one with 400', async () => {
    const a = await t.registerTenant();
    await fill(a.token);
    const res = await score(a.token, 'nobody-knows.io');
    expect(res.status).toBe(200);
    expect(res.body.score).toBe(0);
    expect(res.body.factors.map((f: any) => f.outcome)).toEqual(['no_data', 'no_data', 'no_data', 'no_data', 'no_data']);
    for (const bad of ['not a domain', 'acme', 'http://acme.com', '', 42, 'a'.repeat(300)]) {
      const r = await score(a.token, bad);
      expect(r.status, String(bad)).toBe(400);
      expect(r.body.code).toBe('validation_error');
    }
    expect((await t.request('POST', `${BP}/icp-score`, { token: a.token, body: {} })).status).toBe(400);
  });

  it('asks for the profile first: 409 business_profile_required with no profile or a skipped one', async () => {
    const a = await t.registerTenant();
    for (const step of [null, 'skip']) {
      if (step) await t.request('POST', `${BP}/skip`, { token: a.token });
      const res = await score(a.token, 'acme.com');
      expect([res.status, res.body.code]).toEqual([409, 'business_profile_required']);
      const leads = await t.request('GET', `${BP}/icp-leads`, { token: a.token });
      expect([leads.status, leads.body.code]).toEqual([409, 'business_profile_required']);
    }
  });

  it("ranks the caller's pipeline domains by score, paged, or the tenant's with scope=tenant", async () => {
    const { a, s } = await preparedTenant();
    const rep = await t.createUser(a, 'user', 'Rep');
    await deal(rep.token, { domain: 'rep-only.com', stage_id: s.open });
    await fill(a.token);
    const mine = await t.request('GET', `${BP}/icp-leads`, { token: a.token });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ total: 2, page: 1, has_more: false });
    expect(mine.body.leads.map((l: any) => [l.domain, l.score])).toEqual([
      ['acme.com', 100],
      ['far.fr', 0],
    ]);
    expect(mine.body.leads[0].factors).toHaveLength(5);

    const all = await t.request('GET', `${BP}/icp-leads?scope=tenant&page_size=1&page=2`, { token: a.token });
    expect(all.body).toMatchObject({ total: 3, page: 2, page_size: 1, has_more: true });
    expect(all.body.leads.map((l: any) => l.domain)).toEqual(['rep-only.com']);
    expect((await t.request('GET', `${BP}/icp-leads?scope=everyone`, { token: a.token })).status).toBe(400);
    expect((await t.request('GET', `${BP}/icp-leads?page_size=0`, { token: a.token })).status).toBe(400);
  });

  it("sees only its own tenant's data", async () => {
    const { a } = await preparedTenant();
    const b = await t.registerTenant();
    await fill(b.token);
    const res = await score(b.token, 'acme.com');
    expect(res.body.score).toBe(0);
    expect(res.body.factors.every((f: any) => f.outcome === 'no_data')).toBe(true);
    expect((await t.request('GET', `${BP}/icp-leads?scope=tenant`, { token: b.token })).body.total).toBe(0);
    expect((await get(b.token)).body.status).toBe('completed');
    expect((await get(a.token)).body.status).toBe('none');
  });
});
