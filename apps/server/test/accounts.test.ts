import { describe, expect, it } from 'vitest';
import type { TestTenant } from '../src/testing.ts';
import { testApp } from './app-fixture.ts';

// Document 002's accounts: the companies of document 003 through another (camelCase) face.

const t = await testApp();

const COMPANY_EVENTS = ['CompanyCreated', 'CompanyUpdated', 'CompanyDeleted'];
const ACC_ID = /^acc_[0-9a-f]{32}$/;
const SUMMARY_KEYS = [
  'id',
  'name',
  'website',
  'industry',
  'companySize',
  'stage',
  'assignedTo',
  'contactCount',
  'openOpportunityCount',
  'createdAt',
  'updatedAt',
].sort();
const DETAIL_KEYS = [
  ...SUMMARY_KEYS,
  'annualRevenue',
  'phone',
  'billingAddress',
  'assignedToName',
  'tags',
  'description',
  'openCaseCount',
].sort();

const full = {
  name: 'TechCorp Inc',
  website: 'https://techcorp.com',
  industry: 'Software',
  companySize: '201-500',
  annualRevenue: 15000000,
  stage: 'prospect',
  phone: '+15551234567',
  billingAddress: { street: '123 Main St', city: 'San Francisco', state: 'CA', postalCode: '94107', country: 'US' },
  tags: ['enterprise', 'saas'],
  description: 'Enterprise SaaS company focused on data analytics',
};

async function account(a: TestTenant, body: Record<string, unknown>) {
  const res = await t.request('POST', '/api/accounts/', { token: a.token, body });
  expect(res.status, res.text).toBe(201);
  expect(Object.keys(res.body).sort()).toEqual(DETAIL_KEYS);
  return res.body;
}
const uuidOf = (acc: string) => {
  const h = acc.slice(4);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

describe('accounts at /api/accounts/', () => {
  it('creates, reads, updates and deletes an account, shaped as the document shows it', async () => {
    const a = await t.registerTenant();
    const seller = await t.createUser(a, 'user', 'Alex');
    const created = await account(a, { ...full, assignedTo: seller.userId });
    expect(created).toMatchObject({
      ...full,
      assignedTo: seller.userId,
      assignedToName: 'Alex Seller',
      contactCount: 0,
      openOpportunityCount: 0,
      openCaseCount: 0,
    });
    expect(created.id).toMatch(ACC_ID);
    expect(created.createdAt).toMatch(/Z$/);

    const got = await t.request('GET', `/api/accounts/${created.id}/`, { token: a.token });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created);

    const patched = await t.request('PATCH', `/api/accounts/${created.id}/`, {
      token: a.token,
      body: { stage: 'active', industry: 'FinTech' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ ...full, stage: 'active', industry: 'FinTech' });
    // Nothing that changes, no event.
    const before = await t.eventCount(a.tenantId, COMPANY_EVENTS);
    expect((await t.request('PATCH', `/api/accounts/${created.id}/`, { token: a.token, body: { stage: 'active' } })).status).toBe(200);
    expect(await t.eventCount(a.tenantId, COMPANY_EVENTS)).toBe(before);

    const del = await t.request('DELETE', `/api/accounts/${created.id}/`, { token: a.token });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await t.request('GET', `/api/accounts/${created.id}/`, { token: a.token })).status).toBe(404);
    expect((await t.request('DELETE', `/api/accounts/${created.id}/`, { token: a.token })).status).toBe(404);
    expect((await t.request('PATCH', `/api/accounts/${created.id}/`, { token: a.token, body: { stage: 'active' } })).status).toBe(404);
    expect((await t.request('GET', `/api/accounts/${created.id}/contacts/`, { token: a.token })).status).toBe(404);
  });

  it('defaults: only name is required; stage prospect, empty tags, nulls', async () => {
    const a = await t.registerTenant();
    const acc = await account(a, { name: 'Bare' });
    expect(acc).toMatchObject({
      name: 'Bare',
      website: null,
      industry: null,
      companySize: null,
      annualRevenue: null,
      stage: 'prospect',
      phone: null,
      billingAddress: null,
      assignedTo: null,
      assignedToName: null,
      tags: [],
      description: null,
    });
  });

  it('is the same record as the document 003 organization, whose face does not change', async () => {
    const a = await t.registerTenant();
    const acc = await account(a, full);
    const orgId = uuidOf(acc.id);
    const org = await t.request('GET', `/api/crm/organizations/${orgId}/`, { token: a.token });
    expect(org.status).toBe(200);
    expect(Object.keys(org.body).sort()).toEqual(['address', 'created_at', 'id', 'metadata', 'name', 'owner', 'platform', 'updated_at']);
    expect(org.body.name).toBe('TechCorp Inc');
    // An organization made by document 003 is an account too; a PUT there keeps the account fields.
    const put = await t.request('PUT', `/api/crm/organizations/${orgId}/`, { token: a.token, body: { name: 'TechCorp 2' } });
    expect(put.status, put.text).toBe(200);
    const again = (await t.request('GET', `/api/accounts/${acc.id}/`, { token: a.token })).body;
    expect(again).toMatchObject({ ...full, name: 'TechCorp 2' });
    const o2 = (await t.request('POST', '/api/crm/organizations/', { token: a.token, body: { name: 'From 003' } })).body;
    const seen = await t.request('GET', `/api/accounts/acc_${o2.id.replaceAll('-', '')}/`, { token: a.token });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ name: 'From 003', stage: 'prospect', tags: [] });
    // Names are shared: one taken by document 003 is taken here.
    const dup = await t.request('POST', '/api/accounts/', { token: a.token, body: { name: 'From 003' } });
    expect(dup.status).toBe(400);
  });

  it('refuses bad input with 400 and appends nothing', async () => {
    const a = await t.registerTenant();
    const acc = await account(a, { name: 'Keep' });
    const before = await t.eventCount(a.tenantId);
    const bad: Array<Record<string, unknown>> = [
      {},
      { name: '' },
      { name: 'X', stage: 'lead' },
      { name: 'X', annualRevenue: -1 },
      { name: 'X', unknownField: 1 },
      { name: 'X\u0000' },
      { name: 'X', description: '\ud800' },
      { name: 'X', tags: 'a' },
      { name: 'X', billingAddress: { planet: 'Mars' } },
      { name: 'X', assignedTo: 999999 },
    ];
    for (const body of bad) {
      const res = await t.request('POST', '/api/accounts/', { token: a.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(typeof res.body.code).toBe('string');
    }
    for (const body of [{ stage: 'nope' }, { name: null }, { tags: [1] }]) {
      const res = await t.request('PATCH', `/api/accounts/${acc.id}/`, { token: a.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });

  it('answers 404 for malformed and unknown ids, 401 without credentials, 403 without the permission', async () => {
    const a = await t.registerTenant();
    const acc = await account(a, { name: 'Guarded' });
    for (const id of ['nope', 'acc_', 'acc_xyz', acc.id.slice(0, -1), uuidOf(acc.id), `acc_${'0'.repeat(32)}`]) {
      expect((await t.request('GET', `/api/accounts/${id}/`, { token: a.token })).status, id).toBe(404);
      expect((await t.request('GET', `/api/accounts/${id}/contacts/`, { token: a.token })).status, id).toBe(404);
    }
    expect((await t.request('GET', '/api/accounts/')).status).toBe(401);
    expect((await t.request('GET', `/api/accounts/${acc.id}/`)).status).toBe(401);
    const viewer = await t.createUser(a, 'viewer', 'Vic');
    expect((await t.request('GET', `/api/accounts/${acc.id}/`, { token: viewer.token })).status).toBe(200);
    const before = await t.eventCount(a.tenantId);
    expect((await t.request('POST', '/api/accounts/', { token: viewer.token, body: { name: 'No' } })).status).toBe(403);
    expect((await t.request('PATCH', `/api/accounts/${acc.id}/`, { token: viewer.token, body: { name: 'No' } })).status).toBe(403);
    expect((await t.request('DELETE', `/api/accounts/${acc.id}/`, { token: viewer.token })).status).toBe(403);
    expect(await t.eventCount(a.tenantId)).toBe(before);
  });

  it('lists with filters stage, industry, assignedTo, search, and pages with limit (capped at 100)', async () => {
    const a = await t.registerTenant();
    const seller = await t.createUser(a, 'user', 'Sel');
    await account(a, { name: 'Alpha', website: 'https://alpha.io', industry: 'Software', stage: 'customer', assignedTo: seller.userId });
    await account(a, { name: 'Beta', website: 'https://beta.io', industry: 'software', stage: 'prospect' });
    await account(a, { name: 'Gamma', industry: 'Retail', stage: 'customer' });
    const list = async (q: string) => {
      const res = await t.request('GET', `/api/accounts/${q}`, { token: a.token });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const all = await list('');
    expect(all.count).toBe(3);
    expect(all.next).toBeNull();
    expect(all.previous).toBeNull();
    expect(all.results.map((r: { name: string }) => r.name)).toEqual(['Alpha', 'Beta', 'Gamma']);
    for (const r of all.results) expect(Object.keys(r).sort()).toEqual(SUMMARY_KEYS);
    expect((await list('?stage=customer')).results.map((r: { name: string }) => r.name)).toEqual(['Alpha', 'Gamma']);
    expect((await list('?industry=SOFTWARE')).count).toBe(2);
    expect((await list(`?assignedTo=${seller.userId}`)).results.map((r: { name: string }) => r.name)).toEqual(['Alpha']);
    expect((await list('?search=beta.io')).results.map((r: { name: string }) => r.name)).toEqual(['Beta']);
    expect((await list('?search=GAM')).results.map((r: { name: string }) => r.name)).toEqual(['Gamma']);
    expect((await list('?search=%25')).count).toBe(0);

    const p1 = await list('?limit=2');
    expect(p1.results).toHaveLength(2);
    expect(p1.previous).toBeNull();
    expect(new URL(p1.next).searchParams.get('page')).toBe('2');
    expect(new URL(p1.next).searchParams.get('limit')).toBe('2');
    const p2 = await list('?limit=2&page=2');
    expect(p2.results.map((r: { name: string }) => r.name)).toEqual(['Gamma']);
    expect(p2.next).toBeNull();
    expect(new URL(p2.previous).searchParams.get('page')).toBeNull();
    expect((await list('?limit=1000')).results).toHaveLength(3);
    expect((await list('?page=9')).results).toEqual([]);

    for (const q of ['?stage=lead', '?limit=0', '?page=0', '?limit=x', '?assignedTo=abc']) {
      expect((await t.request('GET', `/api/accounts/${q}`, { token: a.token })).status, q).toBe(400);
    }
  });

  it('counts contacts and open opportunities from real records', async () => {
    const a = await t.registerTenant();
    const acc = await account(a, { name: 'Counted', website: 'https://www.counted.com/about' });
    const orgId = uuidOf(acc.id);
    for (const name of ['John Smith', 'Jane']) {
      const p = await t.request('POST', '/api/crm/persons/', {
        token: a.token,
        body: { name, organization: orgId, primary_email: `${name.split(' ')[0]!.toLowerCase()}@counted.com`, job_title: 'VP' },
      });
      expect(p.status, p.text).toBe(201);
    }
    await t.request('POST', '/api/crm/persons/', { token: a.token, body: { name: 'Elsewhere' } });
    const stages = (await t.request('GET', '/v1/crm/stages', { token: a.token })).body.stages as Array<{
      id: string;
      is_won: boolean;
      is_lost: boolean;
    }>;
    const open = stages.find((s) => !s.is_won && !s.is_lost)!;
    const won = stages.find((s) => s.is_won);
    const deal = async (domain: string, stageId: string) => {
      const res = await t.request('POST', '/v1/crm/deals', {
        token: a.token,
        body: { name: `D ${domain}`, value_usd: 10, domain, stage_id: stageId },
      });
      expect(res.status, res.text).toBe(201);
      return res.body;
    };
    await deal('counted.com', open.id);
    await deal('COUNTED.com', open.id);
    await deal('other.com', open.id);
    if (won) await deal('counted.com', won.id);

    const got = (await t.request('GET', `/api/accounts/${acc.id}/`, { token: a.token })).body;
    expect(got.contactCount).toBe(2);
    expect(got.openOpportunityCount).toBe(2);
    const listed = (await t.request('GET', '/api/accounts/', { token: a.token })).body.results[0];
    expect(listed).toMatchObject({ contactCount: 2, openOpportunityCount: 2 });

    const contacts = await t.request('GET', `/api/accounts/${acc.id}/contacts/`, { token: a.token });
    expect(contacts.status).toBe(200);
    expect(contacts.body.count).toBe(2);
    expect(contacts.body.results[0]).toEqual({
      id: expect.stringMatching(/^cnt_[0-9a-f]{32}$/),
      firstName: 'John',
      lastName: 'Smith',
      email: 'john@counted.com',
      title: 'VP',
      stage: expect.any(String),
    });
    expect(contacts.body.results[1]).toMatchObject({ firstName: 'Jane', lastName: '' });
  });

  it('deleting an account keeps its contacts (unlinked) and its deals', async () => {
    const a = await t.registerTenant();
    const acc = await account(a, { name: 'Doomed', website: 'doomed.com' });
    const orgId = uuidOf(acc.id);
    const p = (await t.request('POST', '/api/crm/persons/', { token: a.token, body: { name: 'Survivor', organization: orgId } })).body;
    const d = (
      await t.request('POST', '/v1/crm/deals', { token: a.token, body: { name: 'Kept deal', value_usd: 5, domain: 'doomed.com' } })
    ).body;
    expect((await t.request('DELETE', `/api/accounts/${acc.id}/`, { token: a.token })).status).toBe(204);
    const person = await t.request('GET', `/api/crm/persons/${p.id}/`, { token: a.token });
    expect(person.status).toBe(200);
    expect(person.body.organization).toBeNull();
    const deal = await t.request('GET', `/v1/crm/deals/${d.id}`, { token: a.token });
    expect(deal.status).toBe(200);
    expect((await t.request('GET', `/api/crm/organizations/${orgId}/`, { token: a.token })).status).toBe(404);
  });

  it('keeps tenants apart on every path', async () => {
    const a = await t.registerTenant();
    const b = await t.registerTenant();
    const acc = await account(a, { name: 'Secret Co', website: 'secret.example' });
    await t.request('POST', '/api/crm/persons/', { token: a.token, body: { name: 'Secret Person', organization: uuidOf(acc.id) } });
    const list = await t.request('GET', '/api/accounts/?search=Secret', { token: b.token });
    expect(list.status).toBe(200);
    expect(list.body.count).toBe(0);
    expect(list.text).not.toContain('Secret');
    const before = await t.eventCount(a.tenantId);
    for (const [method, path, body] of [
      ['GET', `/api/accounts/${acc.id}/`, undefined],
      ['PATCH', `/api/accounts/${acc.id}/`, { name: 'Stolen' }],
      ['DELETE', `/api/accounts/${acc.id}/`, undefined],
      ['GET', `/api/accounts/${acc.id}/contacts/`, undefined],
    ] as const) {
      const res = await t.request(method, path, { token: b.token, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.text).not.toContain('Secret');
    }
    expect(await t.eventCount(a.tenantId)).toBe(before);
    // B may use the same name: names are unique per tenant.
    await account(b, { name: 'Secret Co' });
    expect((await t.request('GET', `/api/accounts/${acc.id}/`, { token: a.token })).body.name).toBe('Secret Co');
  });
});
